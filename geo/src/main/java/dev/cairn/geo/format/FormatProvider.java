package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One vector format. Providers are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.cairn.geo.format.FormatProvider}); inputs are matched by content
 * ({@link #probe}), never by extension alone: a GeoJSON file named {@code .gpkg} is read as GeoJSON
 * or rejected, never misread.
 *
 * <p>Besides reading and writing, a provider states its <b>capabilities</b>, so that the convert
 * job, the chunk planner and the pipeline never ask which format a file is: how a finished temp
 * output is published ({@link #publishOutput}), whether a cursor can start at a feature position
 * ({@link #seekable}), a cheap feature count ({@link #estimateFeatures}), a CRS the format
 * requires ({@link #requiredCrs}), the files that go with an output ({@link #sidecarExtensions}),
 * the name of an output holding a table without geometry ({@link #outputExtension}), whether the chunks' staging GeoPackage already is an output of this format
 * ({@link #isStagingFormat}) and whether chunks write part files of the format instead
 * ({@link #chunkParts}).
 */
public interface FormatProvider {

    /** The name used with {@code --format}: gpkg, shp, geojson, geojsonseq, fgb. */
    String name();

    /** The format's name in messages: GeoPackage, Shapefile, ... */
    default String title() {
        return name();
    }

    /** File extensions, lower case with the dot, preferred first (used for output names and input discovery). */
    List<String> extensions();

    /**
     * The extension of the output of a single-layer format that holds {@code layer} (see
     * {@link #publishOutput}): the first of {@link #extensions()}, except where the format writes a
     * layer without geometry otherwise (a Shapefile's attribute table is a lone {@code .dbf}, as
     * GDAL writes it).
     */
    default String outputExtension(LayerDef layer) {
        return extensions().get(0);
    }

    /** True when one file can hold several layers. */
    boolean multiLayer();

    /**
     * Whether {@code file} is in this format, judged from its first bytes ({@code head}, up to
     * 4 KiB, shorter for small files) and, where needed, the file itself (sidecars).
     */
    boolean probe(Path file, byte[] head);

    FeatureSource open(Path file) throws AssetFailure;

    /** Creates a new output at {@code file} (a temp name; overwritten if it exists). */
    FeatureSink create(Path file) throws AssetFailure;

    /**
     * Moves a finished output written by {@link #create} at {@code temp} to {@code output} so that
     * no reader sees it half-written, after checking it holds {@code features} where the format
     * can tell; returns the output's checksum. Default: one atomic rename
     * ({@link AtomicFiles#commit}). A format of several files publishes its sidecars first and the
     * file readers look for last.
     */
    default String publishOutput(Path temp, Path output, long features) throws IOException, AssetFailure {
        return AtomicFiles.commit(temp, output);
    }

    /**
     * True when {@link FeatureSource#cursor} starts near a feature position without reading what
     * comes before (by record index, feature offsets, or a byte index of an earlier scan), so a
     * huge single-layer file can be converted in position-range chunks.
     */
    default boolean seekable() {
        return false;
    }

    /**
     * The features in {@code file}, cheaply (a header, a {@code count(*)}), for progress totals:
     * an estimate, never a check. 0 when counting would mean reading the whole file, and for
     * anything unreadable (its asset reports the problem).
     */
    default long estimateFeatures(Path file) {
        return 0;
    }

    /**
     * The feature counts the layers of {@code file} declare in their header, summed: the
     * {@link #estimateFeatures} of formats with a count in the header (Shapefile, FlatGeobuf). 0 for
     * an unreadable file.
     */
    static long declaredFeatures(FormatProvider format, Path file) {
        try (FeatureSource source = format.open(file)) {
            return source.layers().stream().mapToLong(l -> Math.max(0, l.featureCount())).sum();
        } catch (AssetFailure | RuntimeException unreadable) {
            return 0;
        }
    }

    /**
     * The CRS every output of this format is in, whatever {@code --to} says (GeoJSON: RFC 7946's
     * EPSG:4326 longitude/latitude), or empty when any CRS can be written.
     */
    default Optional<RequiredCrs> requiredCrs() {
        return Optional.empty();
    }

    /** Extensions of the files written beside an output of the same stem (a Shapefile's .shx, .dbf, ...). */
    default List<String> sidecarExtensions() {
        return List.of();
    }

    /**
     * True when a finished staging GeoPackage of chunks (see the chunk package) is already an
     * output of this format, published by renaming it; other formats export it through
     * {@link #create}.
     */
    default boolean isStagingFormat() {
        return false;
    }

    /**
     * How this format writes a chunked output as per-chunk part files merged by the chunk
     * completing the file ({@link ChunkParts}), or empty when the chunks are staged in a
     * GeoPackage (the output itself when {@link #isStagingFormat}, exported otherwise).
     */
    default Optional<ChunkParts> chunkParts() {
        return Optional.empty();
    }

    /**
     * True when this format writes coordinates as decimal text, so that
     * {@link #withCoordinatePrecision} means something (GeoJSON); binary formats store the doubles.
     */
    default boolean writesDecimalCoordinates() {
        return false;
    }

    /** This format writing coordinates with {@code precision}; formats that store doubles return themselves. */
    default FormatProvider withCoordinatePrecision(CoordinatePrecision precision) {
        return this;
    }
}
