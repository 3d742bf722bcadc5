package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * FlatGeobuf, read and written around {@code org.wololo:flatgeobuf} (header tables, geometry
 * conversion, packed Hilbert R-tree); the property codec and the file layout are cairn's.
 *
 * <p><b>Reading.</b> One layer named after the file stem; features in file order, fid = position
 * (0-based) as in GDAL; a range {@code [offset, offset + n)} skips {@code offset} size-prefixed
 * features without decoding them. CRS from the header's {@code crs} (org EPSG + code, else its
 * WKT). Column types map as: Byte, UByte, Short, UShort, Int → INTEGER; UInt, Long, ULong → LONG
 * (ULong above 2^63 − 1 wraps negative); Float, Double → DOUBLE; String, Json → STRING; Bool →
 * BOOLEAN; DateTime → DATETIME (the stored ISO text); Binary → BINARY. A bad magic, a header that
 * does not decode and a truncated file are FORMAT failures naming the file.
 *
 * <p><b>Writing.</b> Always with the packed Hilbert R-tree (node size 16), so every feature is
 * buffered to a side file first: see {@link FlatGeobufSink}. DATE is written as a DateTime column
 * holding {@code yyyy-MM-ddT00:00:00}, as GDAL does, so it reads back as DATETIME. Chunked, each
 * chunk encodes its features into a part file and the last one merges them ({@link FgbParts}).
 */
public final class FlatGeobufProvider implements FormatProvider {

    @Override
    public String name() {
        return "fgb";
    }

    @Override
    public String title() {
        return "FlatGeobuf file";
    }

    @Override
    public List<String> extensions() {
        return List.of(".fgb");
    }

    @Override
    public boolean multiLayer() {
        return false;
    }

    /** The magic: {@code "fgb"}, major version 3, {@code "fgb"}, any patch version. */
    @Override
    public boolean probe(Path file, byte[] head) {
        return FgbHeader.hasMagic(head);
    }

    @Override
    public FeatureSource open(Path file) throws AssetFailure {
        return FlatGeobufSource.open(file);
    }

    @Override
    public FeatureSink create(Path file) throws AssetFailure {
        return new FlatGeobufSink(file);
    }

    /** Cursors seek by the feature offsets of the index (or by skipping records without decoding them). */
    @Override
    public boolean seekable() {
        return true;
    }

    /** The feature count of the header. */
    @Override
    public long estimateFeatures(Path file) {
        return FormatProvider.declaredFeatures(this, file);
    }

    /** Chunks encode their own features into part files, merged by the chunk completing the file. */
    @Override
    public Optional<ChunkParts> chunkParts() {
        return Optional.of(new FgbParts());
    }
}
