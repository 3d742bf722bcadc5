package dev.cairn.geo.pipeline;

import java.nio.file.Path;
import java.util.Locale;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.gpkg.GpkgFeatureCounter;

/** Cheap feature counts of input files, for progress totals (an estimate, never a check). */
public final class FeatureCounts {
    private static final FormatRegistry FORMATS = FormatRegistry.load();

    private FeatureCounts() {
    }

    /**
     * Features in {@code file}: a GeoPackage's tables counted by SQLite ({@link GpkgFeatureCounter});
     * a Shapefile's or FlatGeobuf's count from its header; 0 for GeoJSON (counting it means
     * parsing the whole file) and for anything unreadable (its asset reports the problem).
     */
    public static long count(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gpkg")) {
            return GpkgFeatureCounter.countFeatures(file);
        }
        if (!name.endsWith(".shp") && !name.endsWith(".fgb")) {
            return 0;
        }
        try (FeatureSource source = FORMATS.detect(file).open(file)) {
            return source.layers().stream().mapToLong(l -> Math.max(0, l.featureCount())).sum();
        } catch (AssetFailure | RuntimeException unreadable) {
            return 0;
        }
    }
}
