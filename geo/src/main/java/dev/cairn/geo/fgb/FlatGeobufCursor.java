package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.locationtech.jts.geom.Geometry;

/**
 * Streams features {@code [from, to)} in file order. Reaching {@code from} reads only the
 * 4-byte size of each skipped feature and seeks past its body. A size that runs past the end of
 * the file, or a feature that does not decode, is a FORMAT failure naming the file and feature.
 * Memory: one 64 KiB read buffer and one feature.
 */
final class FlatGeobufCursor implements FeatureCursor {
    /** GDAL's limit for one feature; a larger size is taken as corruption. */
    private static final long MAX_FEATURE = 1L << 30;

    private final Path file;
    private final FileChannel channel;
    private final DataInputStream in;
    private final int headerType;
    private final int[] columnTypes;
    private final long to;
    private final long size;
    private long position;
    private long next;
    private final byte[] sizeBytes = new byte[4];

    private FlatGeobufCursor(Path file, FileChannel channel, int headerType, int[] columnTypes, long to)
            throws IOException {
        this.file = file;
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        this.headerType = headerType;
        this.columnTypes = columnTypes;
        this.to = to;
        this.size = channel.size();
        this.position = channel.position();
    }

    static FlatGeobufCursor open(Path file, FgbHeader header, int[] columnTypes, long from, long to)
            throws IOException, AssetFailure {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long at = header.featuresStart();
        ByteBuffer sb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long i = 0;
            for (; i < from; i++) {
                sb.clear();
                if (at + 4 > ch.size()) {
                    break;
                }
                ch.read(sb, at);
                at += 4 + checkedSize(file, Integer.toUnsignedLong(sb.getInt(0)), i, at, ch.size());
            }
            ch.position(at);
            FlatGeobufCursor c = new FlatGeobufCursor(file, ch, header.header().geometryType(), columnTypes, to);
            c.next = i;
            return c;
        } catch (IOException | AssetFailure | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static long checkedSize(Path file, long n, long index, long at, long fileSize) throws AssetFailure {
        if (n > MAX_FEATURE || at + 4 + n > fileSize) {
            throw FgbHeader.failure(file, "truncated or corrupt at feature " + index + " (byte " + at + "): "
                    + n + " bytes declared, " + Math.max(0, fileSize - at - 4) + " left in the file");
        }
        return n;
    }

    @Override
    public Feature next() throws AssetFailure {
        if (next >= to) {
            return null;
        }
        try {
            if (position == size && to == Long.MAX_VALUE) {
                return null;
            }
            if (position + 4 > size) {
                throw FgbHeader.failure(file, "truncated: feature " + next + " is missing (the file ends at byte "
                        + size + ")");
            }
            in.readFully(sizeBytes);
            long n = checkedSize(file, ByteBuffer.wrap(sizeBytes).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL,
                    next, position, size);
            byte[] body = new byte[(int) n];
            in.readFully(body);
            position += 4 + n;
            Feature f = decode(body);
            next++;
            return f;
        } catch (EOFException e) {
            throw FgbHeader.failure(file, "truncated inside feature " + next);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot read feature " + next + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private Feature decode(byte[] body) throws AssetFailure {
        try {
            var f = org.wololo.flatgeobuf.generated.Feature.getRootAsFeature(
                    ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
            var g = f.geometry();
            Geometry geometry = g == null ? null : FgbGeometry.read(g, headerType);
            Object[] values = new Object[columnTypes.length];
            ByteBuffer props = f.propertiesAsByteBuffer();
            if (props != null) {
                PropertyCodec.decode(props.slice(), columnTypes, values);
            }
            return new Feature(next, geometry, values);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw FgbHeader.failure(file, "feature " + next + " does not decode (" + why + ")");
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // read-only
        }
        try {
            channel.close();
        } catch (IOException e) {
            // read-only
        }
    }
}
