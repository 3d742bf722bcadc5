package dev.cairn.geo.gpkg;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.opengis.referencing.crs.CoordinateReferenceSystem;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.pipeline.ExpectedCrs;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.pipeline.OutsideCrs;

/**
 * Converts one GeoPackage into a new GeoPackage with every feature layer reprojected to a target
 * CRS, like {@code ogr2ogr -f GPKG -t_srs EPSG:n out.gpkg in.gpkg}: same layer names, columns,
 * declared types, fids, geometry column and geometry type; horizontal coordinates transformed,
 * Z and M unchanged. Attribute tables ({@code data_type = 'attributes'}) are copied as attribute
 * tables, rows and declared types as they are: they have no CRS, so neither the source CRS,
 * {@code assumeCrs} nor {@code expectCrs} applies to them, and a file holding only attribute
 * tables converts as well. Tiles are not copied ({@link Result#skippedTables()}).
 *
 * <p><b>Contract with the caller.</b> {@code output} is a temp path: this class creates it
 * (replacing any file there), fills it in one SQLite transaction with {@code synchronous=OFF},
 * commits and closes it. The caller fsyncs and renames it, and deletes it if this method throws
 * (including {@link dev.cairn.engine.StopRequestedException}, checked every
 * {@value LayerCopier#STOP_CHECK_INTERVAL} features). The input is opened read-only.
 *
 * <p><b>Failures</b> are {@link AssetFailure}s with a one-line message naming the file: not a
 * GeoPackage or corrupt → permanent FORMAT; unknown or missing source CRS → permanent CRS; a
 * coordinate outside the transformation's domain → permanent GEOMETRY naming layer and fid;
 * output write error → transient IO.
 *
 * <p>Thread-safe: each call uses its own connections; calls may run in parallel on different files.
 */
public final class GpkgConverter {

    /**
     * @param targetCrs EPSG code of the output CRS, e.g. {@code "EPSG:4326"}
     * @param assumeCrs EPSG code used for layers that declare no CRS (srs_id 0/-1, undefined); null to fail them
     */
    public record Options(String targetCrs, String assumeCrs, String expectCrs, GeometryPolicy.OnInvalid onInvalid,
            boolean allowBallpark) {
        public Options {
            Objects.requireNonNull(targetCrs, "targetCrs");
            onInvalid = onInvalid == null ? GeometryPolicy.DEFAULT : onInvalid;
        }

        /** No --allow-ballpark. */
        public Options(String targetCrs, String assumeCrs, String expectCrs, GeometryPolicy.OnInvalid onInvalid) {
            this(targetCrs, assumeCrs, expectCrs, onInvalid, false);
        }

        /** No --expect-crs, the default --on-invalid. */
        public Options(String targetCrs, String assumeCrs) {
            this(targetCrs, assumeCrs, null, null);
        }
    }

    /**
     * @param features features written, all layers (rows of attribute tables included)
     * @param layers number of layers written (attribute tables included)
     * @param layerNames their names, in output order
     * @param attributeTables the names of the layers written that are attribute tables
     * @param skippedTables gpkg_contents entries not copied (tiles; attribute tables without an
     *                      INTEGER PRIMARY KEY)
     * @param linearAccuracy worst accuracy in metres of the operations used (0 exact, NaN unknown)
     * @param operations the distinct operations used, described for reports
     * @param issues features skipped or repaired under --on-invalid
     */
    public record Result(long features, int layers, List<String> layerNames, List<String> attributeTables,
            List<String> skippedTables, double linearAccuracy, List<String> operations, FeatureIssues issues) {
    }

    private GpkgConverter() {
    }

    /** The resolved target CRS: its EPSG code, the CRS, and the SRS row data of it and of WGS 84. */
    record Target(int code, CoordinateReferenceSystem crs, String name, String wkt, String wgs84Wkt) {
        String label() {
            return "EPSG:" + code;
        }

        /** Writes the SRS rows every output holds: WGS 84 and the target. */
        void addSrsRows(GpkgWriter writer) throws SQLException {
            writer.addEpsgSrs(4326, "WGS 84", wgs84Wkt);
            writer.addEpsgSrs(code, name, wkt);
        }
    }

    static Target target(Options options) throws AssetFailure {
        try {
            String canonical = CrsResolver.canonicalCode(options.targetCrs());
            return new Target(Integer.parseInt(canonical.substring("EPSG:".length())), CrsResolver.forCode(canonical),
                    CrsResolver.name(canonical), CrsResolver.wkt1(canonical), CrsResolver.wkt1("EPSG:4326"));
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }

    /**
     * The transcoders of one layer into the target CRS, one per batch; for an attribute table
     * ({@code op} null: no geometry, no operation) none, its rows pass as read.
     */
    static Supplier<GeometryTranscoder> transcoders(CrsResolver.Operation op, Target target, Options options) {
        return op == null ? () -> null : () -> transcoder(op, target, options);
    }

    /** The transcoder of one layer into the target CRS. */
    static GeometryTranscoder transcoder(CrsResolver.Operation op, Target target, Options options) {
        return new GeometryTranscoder(op.transform(), op::withHeights, op.sourceDomain(),
                new GeometryPolicy(options.onInvalid()), target.code());
    }

    public static Result convert(Path input, Path output, Options options, ProcessContext ctx) throws AssetFailure {
        Target t = target(options);
        int targetCode = t.code();
        CoordinateReferenceSystem target = t.crs();
        String targetLabel = t.label();

        try (GpkgReader reader = GpkgReader.open(input)) {
            List<LayerSchema> layers = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            reader.listContents(layers, skipped);
            List<CrsResolver.Operation> operations = new ArrayList<>();
            for (LayerSchema layer : layers) {
                operations.add(layer.hasGeometry() ? operation(reader, layer, input, options, target) : null);
            }

            long features = 0;
            List<String> names = new ArrayList<>();
            List<String> attributeTables = new ArrayList<>();
            Set<String> described = new LinkedHashSet<>();
            double worst = 0;
            LayerCopier copier = new LayerCopier(input, output, ctx, options.onInvalid());
            for (int i = 0; i < layers.size(); i++) {
                copier.ballpark(layers.get(i), operations.get(i));
            }
            try (GpkgWriter writer = GpkgWriter.create(output)) {
                t.addSrsRows(writer);
                for (int i = 0; i < layers.size(); i++) {
                    LayerSchema layer = layers.get(i);
                    CrsResolver.Operation op = operations.get(i);
                    double[] extent = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                    long copied = copier.copy(reader, writer, layer, transcoders(op, t, options), extent, targetLabel);
                    features += copied;
                    writer.finishLayer(layer, targetCode, extent[0] <= extent[1] ? extent : null);
                    names.add(layer.table());
                    if (op == null) {
                        attributeTables.add(layer.table());
                        FeatureConverter.reportAttributeTable(input, layer.table(), copied);
                        continue;
                    }
                    described.add(op.describe());
                    worst = Double.isNaN(op.linearAccuracy()) || Double.isNaN(worst) ? Double.NaN
                            : Math.max(worst, op.linearAccuracy());
                }
                writer.commit();
            } catch (SQLException | IOException e) {
                String why = e instanceof SQLException s ? Sql.shortMessage(s) : e.toString();
                throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot write the GeoPackage ("
                        + why + ")", e);
            }
            return new Result(features, names.size(), List.copyOf(names), List.copyOf(attributeTables),
                    List.copyOf(skipped), worst, List.copyOf(described), copier.issues());
        }
    }

    static CrsResolver.Operation operation(GpkgReader reader, LayerSchema layer, Path input,
            Options options, CoordinateReferenceSystem target) throws AssetFailure {
        CoordinateReferenceSystem source = sourceCrs(reader, layer, input, options);
        ExpectedCrs.check(source, options.expectCrs(), input, layer.table());
        double[] extent = reader.extent(layer.table());
        OutsideCrs.checkExtent(source, extent, input + ": layer '" + layer.table() + "'");
        try {
            return CrsResolver.operation(source, target, extent, options.allowBallpark());
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer.table() + "': "
                    + e.getMessage(), e);
        }
    }

    /** The layer's CRS: EPSG code if the SRS row names one, else its WKT, else --assume-crs. */
    private static CoordinateReferenceSystem sourceCrs(GpkgReader reader, LayerSchema layer, Path input,
            Options options) throws AssetFailure {
        int srsId = layer.srsId();
        GpkgReader.SrsRow row = srsId == 0 || srsId == -1 ? null : reader.srs(srsId);
        if (row != null) {
            String definition = row.definition() == null ? "" : row.definition().trim();
            boolean hasWkt = !definition.isEmpty() && !definition.equalsIgnoreCase("undefined");
            CrsException failure = null;
            if ("EPSG".equalsIgnoreCase(row.organization()) && row.code() > 0) {
                try {
                    return CrsResolver.forCode("EPSG:" + row.code());
                } catch (CrsException e) {
                    failure = e;
                }
            }
            if (hasWkt) {
                try {
                    return CrsResolver.fromWkt(definition);
                } catch (CrsException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer.table()
                        + "' has an unusable CRS (srs_id " + srsId + "): "
                        + LayerCopier.oneLine(failure.getMessage()), failure);
            }
        }
        if (options.assumeCrs() == null) {
            throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer.table()
                    + "' has no CRS (srs_id " + srsId + "); pass --assume-crs EPSG:n to say which it is");
        }
        try {
            return CrsResolver.forCode(options.assumeCrs());
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }
}
