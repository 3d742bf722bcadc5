package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.FormatProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * GeoJSON text sequences: RFC 8142 (each Feature preceded by RS, 0x1E) and newline-delimited
 * GeoJSON (one Feature per line, "GeoJSONL"). One layer per file, named for the file's stem.
 *
 * <p>Reading accepts both, with any whitespace between records; a broken record is a FORMAT
 * failure for the file (RFC 8142 lets parsers skip it, but a silent loss would break cairn's
 * exactly-once promise). Probing: starts with RS, or with a Feature object followed by another
 * object; a single Feature counts as a sequence only when the file has a sequence extension.
 *
 * <p>Writing follows GDAL: RS before each record for {@code .geojsons}, none for
 * {@code .geojsonl} and {@code .geojsonseq}; one Feature per line; EPSG:4326 lon/lat only.
 */
public final class GeoJsonSeqProvider extends GeoJsonFamilyProvider {

    /** Writes the shortest decimal that reads back as the same double (see {@link GeometryWriter}). */
    public GeoJsonSeqProvider() {
        this(CoordinatePrecision.SHORTEST);
    }

    private GeoJsonSeqProvider(CoordinatePrecision precision) {
        super(precision);
    }

    @Override
    public String name() {
        return "geojsonseq";
    }

    @Override
    public String title() {
        return "GeoJSON text sequence";
    }

    @Override
    public List<String> extensions() {
        return GeoJsonFiles.SEQUENCE_EXTENSIONS;
    }

    @Override
    public boolean probe(Path file, byte[] head) {
        return switch (HeadSniffer.sniff(head)) {
            case SEQUENCE -> true;
            case SINGLE_FEATURE, FEATURE -> GeoJsonFiles.hasSequenceExtension(file);
            default -> false;
        };
    }

    @Override
    public FeatureSink create(Path file) throws AssetFailure {
        return new GeoJsonSink(file, true, GeoJsonFiles.finalName(file).endsWith(".geojsons"), precision);
    }

    @Override
    public FormatProvider withCoordinatePrecision(CoordinatePrecision p) {
        return new GeoJsonSeqProvider(p);
    }
}
