package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.wololo.flatgeobuf.PackedRTree;
import org.wololo.flatgeobuf.generated.Column;
import org.wololo.flatgeobuf.generated.Crs;
import org.wololo.flatgeobuf.generated.Header;

/**
 * The start of a FlatGeobuf file and where its parts begin:
 * <pre>
 * magic "fgb\3fgb\0" (8) | header size (uint32 LE) | Header flatbuffer
 *   | packed R-tree (40 bytes per node, only when index_node_size &gt; 0 and features_count &gt; 0)
 *   | features: (size uint32 LE | Feature flatbuffer)*
 * </pre>
 *
 * @param header        the decoded header table
 * @param featuresStart byte offset of the first feature
 * @param indexSize     size of the R-tree in bytes, 0 when there is none
 */
record FgbHeader(Header header, long featuresStart, long indexSize) {
    static final byte[] MAGIC = {0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00};
    /** GDAL refuses headers above 10 MB; so do we, to reject garbage sizes early. */
    private static final int MAX_HEADER = 10 * 1024 * 1024;

    static boolean hasMagic(byte[] head) {
        if (head == null || head.length < 8) {
            return false;
        }
        for (int i = 0; i < 7; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static FgbHeader read(Path file, FileChannel in) throws IOException, AssetFailure {
        long size = in.size();
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, 0, start);
        if (start.position() < 8 || !hasMagic(start.array())) {
            throw failure(file, "not a FlatGeobuf file (the first bytes are not the magic 'fgb' 3 'fgb')");
        }
        if (start.position() < 12) {
            throw failure(file, "truncated: " + size + " bytes, the header size is missing");
        }
        long headerSize = Integer.toUnsignedLong(start.getInt(8));
        if (headerSize < 8 || headerSize > MAX_HEADER) {
            throw failure(file, "corrupt header: declared size " + headerSize + " bytes (expected 8 to " + MAX_HEADER + ")");
        }
        if (12 + headerSize > size) {
            throw failure(file, "truncated: the header needs " + (12 + headerSize) + " bytes, the file has " + size);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerSize).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, 12, hb);
        hb.flip();
        Header header;
        long count;
        int nodeSize;
        try {
            header = Header.getRootAsHeader(hb);
            count = header.featuresCount();
            nodeSize = header.indexNodeSize();
            header.geometryType();
            header.name();
            if (header.columnsLength() < 0 || header.columnsLength() > headerSize / 4
                    || header.envelopeLength() < 0 || header.envelopeLength() > headerSize / 8) {
                throw failure(file, "corrupt header: " + header.columnsLength() + " columns and "
                        + header.envelopeLength() + " envelope values cannot fit in its " + headerSize + " bytes");
            }
            header.hasZ();
            header.hasM();
            for (int i = 0; i < header.columnsLength(); i++) {
                Column c = header.columns(i);
                c.name();
                c.type();
                c.width();
                c.precision();
                c.scale();
            }
            // every part a reader touches later is decoded here once, so that a damaged offset
            // inside the header is this format error, not an IndexOutOfBoundsException later
            for (int i = 0; i < header.envelopeLength(); i++) {
                header.envelope(i);
            }
            Crs crs = header.crs();
            if (crs != null) {
                crs.org();
                crs.code();
                crs.wkt();
            }
        } catch (RuntimeException e) {
            throw failure(file, "corrupt header: it does not decode (" + e + ")");
        }
        if (count < 0) {
            throw failure(file, "corrupt header: features_count " + Long.toUnsignedString(count));
        }
        long indexSize = 0;
        if (nodeSize > 0 && count > 0) {
            if (nodeSize < 2 || count > Integer.MAX_VALUE) {
                throw failure(file, "corrupt header: index node size " + nodeSize + " with " + count + " features");
            }
            indexSize = PackedRTree.calcSize((int) count, nodeSize);
        }
        long featuresStart = 12 + headerSize + indexSize;
        if (featuresStart > size) {
            throw failure(file, "truncated: header and spatial index need " + featuresStart
                    + " bytes, the file has " + size);
        }
        if (count > 0 && featuresStart + 4L * count > size) {
            throw failure(file, "truncated: " + count + " features cannot fit in the "
                    + (size - featuresStart) + " bytes after the index");
        }
        return new FgbHeader(header, featuresStart, indexSize);
    }

    private static void readFully(FileChannel in, long at, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n = in.read(b, at + b.position());
            if (n < 0) {
                return;
            }
        }
    }

    static AssetFailure failure(Path file, String what) {
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": " + what);
    }
}
