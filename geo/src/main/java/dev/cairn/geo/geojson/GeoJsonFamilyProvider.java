package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.RequiredCrs;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a GeoJSON file and a GeoJSON text sequence have in common: one layer, read by the same
 * streaming reader, seekable through the schema pass's byte index, EPSG:4326 by RFC 7946, and
 * coordinates written as decimal text with a {@link CoordinatePrecision}.
 */
abstract sealed class GeoJsonFamilyProvider implements FormatProvider permits GeoJsonProvider, GeoJsonSeqProvider {
    /** How the sinks this provider creates write coordinates. */
    protected final CoordinatePrecision precision;

    GeoJsonFamilyProvider(CoordinatePrecision precision) {
        this.precision = precision;
    }

    @Override
    public boolean multiLayer() {
        return false;
    }

    @Override
    public FeatureSource open(Path file) throws AssetFailure {
        return GeoJsonFiles.open(file);
    }

    @Override
    public boolean writesDecimalCoordinates() {
        return true;
    }

    /** A cursor starts at the byte offset the schema pass recorded for every 1,024th feature (see {@code ScanCache}). */
    @Override
    public boolean seekable() {
        return true;
    }

    /** RFC 7946: longitude/latitude on WGS 84. */
    @Override
    public Optional<RequiredCrs> requiredCrs() {
        return Optional.of(GeoJsonFiles.RFC_7946);
    }
}
