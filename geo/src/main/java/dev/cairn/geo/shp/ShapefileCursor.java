package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FieldType;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.locationtech.jts.geom.Geometry;

/**
 * Streams records {@code [from, to)}: the .shx gives each record's place in the .shp, the .dbf
 * row is at {@code headerLength + i * recordLength}. Memory: three read windows and one record.
 * A record that disagrees with its index or cannot be decoded is a FORMAT failure naming the
 * file and record, never a skipped or altered feature.
 */
final class ShapefileCursor implements FeatureCursor {
    private final Path shp;
    private final Path dbf;
    private final BlockReader shpIn;
    private final BlockReader shxIn;
    private final BlockReader dbfIn;
    private final DbfHeader dbfHeader;
    private final Charset charset;
    private final FieldType[] types;
    private final ShapeDecoder decoder;
    private final int to;
    private final byte[] row;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
    private ByteBuffer content = ByteBuffer.allocate(1024);
    private int next;

    ShapefileCursor(Path shp, Path shx, Path dbf, DbfHeader dbfHeader, Charset charset, FieldType[] types,
                    ShapeDecoder decoder, int from, int to) throws IOException {
        this.shp = shp;
        this.dbf = dbf;
        this.dbfHeader = dbfHeader;
        this.charset = charset;
        this.types = types;
        this.decoder = decoder;
        this.to = to;
        this.next = from;
        this.row = new byte[dbfHeader.recordLength()];
        BlockReader a = null;
        BlockReader b = null;
        try {
            a = new BlockReader(FileChannel.open(shp, StandardOpenOption.READ), 1 << 16);
            b = new BlockReader(FileChannel.open(shx, StandardOpenOption.READ), 1 << 13);
            this.dbfIn = new BlockReader(FileChannel.open(dbf, StandardOpenOption.READ),
                    Math.max(1 << 16, dbfHeader.recordLength()));
        } catch (IOException | RuntimeException e) {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            throw e;
        }
        this.shpIn = a;
        this.shxIn = b;
    }

    @Override
    public Feature next() throws AssetFailure {
        while (next < to) {
            int i = next++;
            try {
                ByteBuffer rowBuf = ByteBuffer.wrap(row);
                dbfIn.read(dbfHeader.headerLength() + (long) i * dbfHeader.recordLength(), rowBuf);
                if (row[0] == '*') {
                    continue; // deleted
                }
                Geometry g = geometry(i);
                Object[] values = new Object[types.length];
                for (int f = 0; f < types.length; f++) {
                    try {
                        values[f] = DbfValues.decode(dbfHeader.fields().get(f), types[f], row, charset);
                    } catch (DbfValues.BadValueException e) {
                        throw ShapefileSource.failure(dbf, "record " + (i + 1) + ", field '"
                                + dbfHeader.fields().get(f).name() + "': " + e.getMessage());
                    }
                }
                return new Feature(i, g, values);
            } catch (EOFException e) {
                throw ShapefileSource.failure(shp, "record " + (i + 1) + " lies beyond the end of a file ("
                        + e.getMessage() + "): the shapefile is truncated");
            } catch (IOException e) {
                throw AssetFailure.transientFailure(dev.cairn.engine.ErrorClass.IO, shp + ": cannot read record "
                        + (i + 1) + " (" + e.getMessage() + ")", e);
            }
        }
        return null;
    }

    private Geometry geometry(int i) throws IOException, AssetFailure {
        ShapefileSource.ShxEntry entry = ShapefileSource.ShxEntry.read(shxIn, i);
        if (entry.offset() < 100 || entry.contentLength() < 4 || entry.end() > shpIn.size()) {
            throw ShapefileSource.failure(shp, "record " + (i + 1) + " (bytes " + entry.offset() + " to "
                    + entry.end() + ") lies beyond the end of the file (" + shpIn.size()
                    + " bytes): the .shp is truncated or its .shx is damaged");
        }
        recordHeader.clear();
        shpIn.read(entry.offset(), recordHeader);
        int length = recordHeader.getInt(4) * 2;
        if (length != entry.contentLength()) {
            throw ShapefileSource.failure(shp, "record " + (i + 1) + " has " + length
                    + " content bytes, its .shx entry says " + entry.contentLength());
        }
        if (content.capacity() < length) {
            content = ByteBuffer.allocate(Math.max(length, content.capacity() * 2));
        }
        content.clear().limit(length);
        shpIn.read(entry.offset() + 8, content);
        content.flip();
        content.order(ByteOrder.LITTLE_ENDIAN);
        try {
            return decoder.decode(content);
        } catch (ShapeDecoder.MalformedShapeException e) {
            throw ShapefileSource.failure(shp, "record " + (i + 1) + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            shpIn.close();
            shxIn.close();
            dbfIn.close();
        } catch (IOException e) {
            // read-only channels: nothing to lose
        }
    }
}
