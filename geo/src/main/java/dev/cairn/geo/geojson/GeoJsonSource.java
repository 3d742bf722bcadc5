package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Path;
import java.util.List;

/**
 * A GeoJSON file or GeoJSON text sequence opened for reading: one layer named for the file's stem.
 *
 * <p>{@link #layers()} runs the schema pass ({@link SchemaScanner}, a full streaming read) once per
 * process and file ({@link ScanCache}); each {@link #cursor} is a further streaming read from near
 * its first feature. Holds no open file between calls. Not thread-safe.
 */
final class GeoJsonSource implements FeatureSource {
    private final Path file;
    private final boolean sequence;
    private Schema schema;

    /**
     * @param sequence true for a sequence of root-level Features (GeoJSONSeq, or one bare Feature),
     *                 false for a FeatureCollection
     */
    GeoJsonSource(Path file, boolean sequence) {
        this.file = file;
        this.sequence = sequence;
    }

    @Override
    public List<LayerDef> layers() throws AssetFailure {
        return List.of(schema().layer());
    }

    private Schema schema() throws AssetFailure {
        if (schema == null) {
            schema = ScanCache.schema(file, sequence);
        }
        return schema;
    }

    /**
     * Features {@code [offset, offset + limit)}: read from the schema pass's index entry at or below
     * {@code offset} (at most 1,023 features are skipped), so a range costs O(limit) reading. A
     * file without an index (not UTF-8, or several {@code "features"} members) is read from its
     * start, skipping {@code offset} features: O(offset).
     */
    @Override
    public FeatureCursor cursor(int index, long offset, long limit) throws AssetFailure {
        if (index != 0) {
            throw new IndexOutOfBoundsException("GeoJSON has one layer (index 0), asked for " + index);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " < 0");
        }
        return new GeoJsonCursor(file, sequence, schema(), offset, limit);
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    /** The file name without its last extension: the layer name. */
    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
