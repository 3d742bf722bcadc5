package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.format.FormatProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * GeoJSON (RFC 7946): one layer per file, named for the file's stem.
 *
 * <p><b>Reading</b> streams with Jackson (memory flat whatever the file size). GeoJSON has no
 * schema, so opening a layer costs one full read that infers it (see {@link SchemaScanner} for
 * the type rules, feature ids and CRS), done once per process and file; each cursor is another
 * read, and a range {@code [offset, offset+n)} starts from the pass's sparse byte index
 * ({@link FeatureIndex}), so chunks of a huge file cost O(n) each. Invalid JSON, NaN/Infinity, truncation and
 * non-GeoJSON structure are FORMAT failures naming the file, line and column.
 *
 * <p><b>Probing</b> is by content: a root object whose {@code "type"} is FeatureCollection, or a
 * single Feature (not followed by more — that is a {@link GeoJsonSeqProvider sequence}), whatever
 * the file is called. <b>Writing</b> produces an RFC 7946 FeatureCollection in EPSG:4326 lon/lat
 * only (see {@link GeoJsonSink}).
 */
public final class GeoJsonProvider extends GeoJsonFamilyProvider {

    /** Writes the shortest decimal that reads back as the same double (see {@link GeometryWriter}). */
    public GeoJsonProvider() {
        this(CoordinatePrecision.SHORTEST);
    }

    private GeoJsonProvider(CoordinatePrecision precision) {
        super(precision);
    }

    @Override
    public String name() {
        return "geojson";
    }

    @Override
    public String title() {
        return "GeoJSON file";
    }

    @Override
    public List<String> extensions() {
        return List.of(".geojson", ".json");
    }

    @Override
    public boolean probe(Path file, byte[] head) {
        return switch (HeadSniffer.sniff(head)) {
            case COLLECTION -> true;
            case SINGLE_FEATURE, FEATURE -> !GeoJsonFiles.hasSequenceExtension(file);
            default -> false;
        };
    }

    @Override
    public FeatureSink create(Path file) throws AssetFailure {
        return new GeoJsonSink(file, false, false, precision);
    }

    @Override
    public FormatProvider withCoordinatePrecision(CoordinatePrecision p) {
        return new GeoJsonProvider(p);
    }
}
