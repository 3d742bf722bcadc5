package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;
import java.nio.file.Path;
import java.util.List;

/**
 * One vector format. Providers are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.cairn.geo.format.FormatProvider}); inputs are matched by content
 * ({@link #probe}), never by extension alone: a GeoJSON file named {@code .gpkg} is read as GeoJSON
 * or rejected, never misread.
 */
public interface FormatProvider {

    /** The name used with {@code --format}: gpkg, shp, geojson, geojsonseq, fgb. */
    String name();

    /** File extensions, lower case with the dot, preferred first (used for output names and input discovery). */
    List<String> extensions();

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
}
