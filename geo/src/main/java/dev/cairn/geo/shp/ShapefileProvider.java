package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * ESRI Shapefile, read and written by cairn's own codec (.shp, .shx, .dbf, .prj, .cpg).
 *
 * <p><b>Reading.</b> One layer named after the file stem; fid = record number − 1 (as GDAL);
 * ranges seek through the .shx. Declared kinds: POINT, MULTIPOINT, MULTILINESTRING,
 * MULTIPOLYGON (GDAL says "Polygon"/"Line String" but, like cairn, returns a multi geometry
 * for a record with several parts; one-part records are a plain LineString or Polygon, as in
 * GDAL, so a consumer writing a strictly typed layer should promote to multi). Z types carry
 * M when their first shape has measures. A missing .shx or .dbf, a truncated .shp or .dbf,
 * counts that disagree and records that do not decode are FORMAT failures; a .prj that cannot
 * be parsed is a CRS failure; no .prj gives a null CRS.
 *
 * <p><b>Writing.</b> {@link #create} writes all files under the temp name; {@link #publish}
 * moves them to the final name, .shp last. Text is UTF-8 with a .cpg; field names are cut to
 * 10 bytes without collisions (see {@code FieldNames}); types as in {@code DbfWriter}; more than
 * 2 GiB in the .shp or .dbf is a FORMAT failure suggesting GeoPackage or FlatGeobuf. A layer
 * without geometry (a GeoPackage attribute table) is written as a lone {@code .dbf}, as GDAL does:
 * its output is named {@code .dbf} ({@link #outputExtension}).
 */
public final class ShapefileProvider implements FormatProvider {

    @Override
    public String name() {
        return "shp";
    }

    @Override
    public String title() {
        return "Shapefile";
    }

    @Override
    public List<String> extensions() {
        return List.of(".shp");
    }

    @Override
    public boolean multiLayer() {
        return false;
    }

    /** The .shp header: file code 9994 big-endian at 0, version 1000 little-endian at 28. */
    @Override
    public boolean probe(Path file, byte[] head) {
        if (head == null || head.length < 32) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        return b.order(ByteOrder.BIG_ENDIAN).getInt(0) == ShapefileSource.SHP_MAGIC
                && b.order(ByteOrder.LITTLE_ENDIAN).getInt(28) == ShapefileSource.SHP_VERSION;
    }

    @Override
    public FeatureSource open(Path file) throws AssetFailure {
        return ShapefileSource.open(file);
    }

    @Override
    public FeatureSink create(Path file) throws AssetFailure {
        return new ShapefileSink(file, ShapefileSink.DEFAULT_SIZE_LIMIT);
    }

    /**
     * Publishes a finished shapefile written at {@code tempShp} under {@code finalShp}: verifies
     * that .shp, .shx and .dbf agree on the feature count, fsyncs them, renames .dbf, .shx, .prj
     * and .cpg and then the .shp (each atomically), and fsyncs the directory. Use instead of
     * {@code AtomicFiles.commit} for shapefiles. Returns the feature count.
     */
    public static long publish(Path tempShp, Path finalShp) throws AssetFailure {
        return ShapefilePublisher.publish(tempShp, finalShp, -1);
    }

    /** As {@link #publish(Path, Path)}, and fails unless the file holds {@code expectedCount} features. */
    public static long publish(Path tempShp, Path finalShp, long expectedCount) throws AssetFailure {
        return ShapefilePublisher.publish(tempShp, finalShp, expectedCount);
    }

    /** The files of the shapefile {@code shp} that exist (the .shp and its sidecars), for clean-up and checksums. */
    public static List<Path> files(Path shp) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(shp),
                        Sidecars.WRITTEN.stream().map(ext -> Sidecars.expected(shp, ext)))
                .filter(java.nio.file.Files::exists).toList();
    }

    /** Cursors seek by record: the .shx holds every record's offset. */
    @Override
    public boolean seekable() {
        return true;
    }

    /** The feature count of the header. */
    @Override
    public long estimateFeatures(Path file) {
        return FormatProvider.declaredFeatures(this, file);
    }

    /**
     * Sidecars first, the .shp last, after checking the three files agree on {@code features}
     * ({@link #publish(Path, Path, long)}); for an output named {@code .dbf} (a table without
     * geometry, see {@link #outputExtension}) the lone .dbf the sink wrote, its .cpg first.
     */
    @Override
    public String publishOutput(Path temp, Path output, long features) throws java.io.IOException, AssetFailure {
        if (output.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(TABLE_EXTENSION)) {
            ShapefilePublisher.publishTable(temp, output, features);
        } else {
            publish(temp, output, features);
        }
        return dev.cairn.engine.AtomicFiles.checksum(output);
    }

    /** The extension of a table without geometry written as GDAL writes it: a lone dBase file. */
    static final String TABLE_EXTENSION = ".dbf";

    /** {@code .dbf} for a layer without geometry (GDAL's lone .dbf), else {@code .shp}. */
    @Override
    public String outputExtension(LayerDef layer) {
        return layer.hasGeometry() ? ".shp" : TABLE_EXTENSION;
    }

    @Override
    public List<String> sidecarExtensions() {
        return Sidecars.WRITTEN;
    }
}
