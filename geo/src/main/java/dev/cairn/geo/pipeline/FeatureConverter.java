package dev.cairn.geo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;

/**
 * Converts any vector format into any other through the {@link FormatProvider} SPI, reprojecting
 * to a target CRS: like {@code ogr2ogr -f FMT -t_srs EPSG:n out in [layer]}. Layer names, fields,
 * fids and geometry types are passed on as the source describes them; what the output format
 * cannot hold is the sink's to adapt or refuse (Shapefile cuts names to 10 characters and stores
 * DATETIME as text; GeoJSON accepts EPSG:4326 only).
 *
 * <p><b>Tables without geometry</b> (a GeoPackage attribute table, a layer of kind
 * {@link dev.cairn.geo.format.GeometryKind#NONE}) are converted as tables: they have no CRS, so no
 * operation is resolved for them and neither {@code assumeCrs} nor {@code expectCrs} applies; the
 * sink gets the layer without CRS and writes it as its format allows (as GDAL: a GeoPackage
 * attribute table, a lone {@code .dbf}, GeoJSON features with a null geometry). Their rows count
 * as features, and each such table is logged as copied as an attribute table.
 *
 * <p><b>Contract with the caller.</b> {@code output} is a temp path: the sink creates it and
 * {@link FeatureSink#finish finishes} it; the caller publishes it (AtomicFiles.commit, or
 * {@code ShapefileProvider.publish}) and deletes it if this method throws — including
 * {@link dev.cairn.engine.StopRequestedException}, checked every {@value #STOP_CHECK_INTERVAL}
 * features. Every layer's CRS operation is resolved before anything is written.
 *
 * <p><b>Failures</b> ({@link AssetFailure}, one line naming the file): a layer without CRS and no
 * {@code assumeCrs} → CRS naming file and layer; an unknown code or no operation → CRS; a
 * coordinate outside the operation's domain → GEOMETRY naming file, layer and fid; several
 * layers into a single-layer format → FORMAT; the rest as the providers report them.
 *
 * <p>Thread-safe: each call opens its own source and sink.
 */
public final class FeatureConverter {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureConverter.class);
    /** Features between two {@link ProcessContext#checkStop()} / progress calls. */
    public static final int STOP_CHECK_INTERVAL = 5_000;

    /** {@link Options#layer()} value meaning every layer (the output format must be multi-layer). */
    public static final int ALL_LAYERS = -1;

    /**
     * @param targetCrs EPSG code of the output CRS, e.g. {@code "EPSG:4326"}
     * @param assumeCrs EPSG code for layers that declare no CRS; null to fail them
     * @param expectCrs EPSG code every source layer must be in (else a CRS failure); null for any
     * @param onInvalid what an invalid geometry does; null to write geometries without checking
     * @param layer     index of the one source layer to convert (in {@link FeatureSource#layers()}
     *                  order), or {@link #ALL_LAYERS}
     * @param allowBallpark convert a layer whose datum EPSG knows no shift for by keeping latitude and
     *                  longitude (PROJ's ballpark), with a warning and a recorded issue, instead of
     *                  failing it
     */
    public record Options(String targetCrs, String assumeCrs, String expectCrs, GeometryPolicy.OnInvalid onInvalid,
            int layer, boolean allowBallpark) {
        public Options {
            Objects.requireNonNull(targetCrs, "targetCrs");
            if (layer < ALL_LAYERS) {
                throw new IllegalArgumentException("layer must be an index >= 0 or ALL_LAYERS: " + layer);
            }
        }

        /** No --allow-ballpark. */
        public Options(String targetCrs, String assumeCrs, String expectCrs, GeometryPolicy.OnInvalid onInvalid,
                int layer) {
            this(targetCrs, assumeCrs, expectCrs, onInvalid, layer, false);
        }

        /** No --expect-crs, no validity check. */
        public Options(String targetCrs, String assumeCrs, int layer) {
            this(targetCrs, assumeCrs, null, null, layer);
        }
    }

    /**
     * @param features   features written, all layers (rows of tables without geometry included)
     * @param layers     number of layers written (tables without geometry included)
     * @param layerNames their names, in output order
     * @param issues     features skipped or repaired under --on-invalid
     */
    public record Result(long features, int layers, List<String> layerNames, FeatureIssues issues) {
    }

    private FeatureConverter() {
    }

    /** Converts every layer of {@code input}; see {@link #convert(Path, FormatProvider, Path, FormatProvider, Options, ProcessContext)}. */
    public static Result convert(Path input, FormatProvider in, Path output, FormatProvider out, String targetCrs,
            String assumeCrs, ProcessContext ctx) throws AssetFailure {
        return convert(input, in, output, out, new Options(targetCrs, assumeCrs, ALL_LAYERS), ctx);
    }

    public static Result convert(Path input, FormatProvider in, Path output, FormatProvider out, Options options,
            ProcessContext ctx) throws AssetFailure {
        TargetCrs resolved = TargetCrs.of(options.targetCrs());
        String targetCode = resolved.code();
        CoordinateReferenceSystem target = resolved.crs();
        try (FeatureSource source = in.open(input)) {
            List<LayerDef> all = source.layers();
            List<Integer> selected = select(input, all, options.layer(), out);
            List<CrsResolver.Operation> operations = new ArrayList<>();
            for (int i : selected) {
                LayerDef layer = all.get(i);
                operations.add(layer.hasGeometry() ? operation(input, layer, source.extent(i), options.assumeCrs(),
                        options.expectCrs(), target, options.allowBallpark()) : null);
            }
            long features = 0;
            List<String> names = new ArrayList<>();
            FeatureIssues issues = new FeatureIssues();
            for (int k = 0; k < selected.size(); k++) {
                issues.ballpark(input, all.get(selected.get(k)).name(), operations.get(k));
            }
            GeometryPolicy policy = options.onInvalid() == null ? null : new GeometryPolicy(options.onInvalid());
            try (FeatureSink sink = out.create(output)) {
                for (int k = 0; k < selected.size(); k++) {
                    int index = selected.get(k);
                    LayerDef layer = all.get(index);
                    CrsResolver.Operation op = operations.get(k);
                    sink.beginLayer(layer.inCrs(target, targetCode));
                    long copied = copy(source, index, layer, sink, op, policy, issues, input, targetCode, ctx);
                    features += copied;
                    sink.endLayer();
                    names.add(layer.name());
                    if (!layer.hasGeometry()) {
                        reportAttributeTable(input, layer.name(), copied);
                    }
                }
                sink.finish();
            }
            return new Result(features, names.size(), List.copyOf(names), issues);
        }
    }

    private static List<Integer> select(Path input, List<LayerDef> layers, int layer, FormatProvider out)
            throws AssetFailure {
        if (layer != ALL_LAYERS) {
            if (layer >= layers.size()) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": has " + layers.size()
                        + " layer(s); layer index " + layer + " does not exist");
            }
            return List.of(layer);
        }
        if (!out.multiLayer() && layers.size() != 1) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": has " + layers.size() + " layers, but "
                    + out.name() + " holds one layer per file; convert one layer at a time or choose gpkg");
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            all.add(i);
        }
        return all;
    }

    /**
     * The operation from {@code layer}'s CRS (or {@code assumeCrs} when it declares none) to
     * {@code target}, after checking {@code expectCrs} and that the declared {@code extent} lies
     * in that CRS's domain ({@link CrsDomain}); failures are permanent CRS failures.
     */
    public static CrsResolver.Operation operation(Path input, LayerDef layer, double[] extent, String assumeCrs,
            String expectCrs, CoordinateReferenceSystem target, boolean allowBallpark) throws AssetFailure {
        CoordinateReferenceSystem source = layer.crs();
        if (source == null) {
            if (assumeCrs == null) {
                throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer.name()
                        + "' has no CRS; pass --assume-crs EPSG:n to say which it is");
            }
            try {
                source = CrsResolver.forCode(assumeCrs);
            } catch (CrsException e) {
                throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
            }
        }
        ExpectedCrs.check(source, expectCrs, input, layer.name());
        OutsideCrs.checkExtent(source, extent, input + ": layer '" + layer.name() + "'");
        try {
            return CrsResolver.operation(source, target, extent, allowBallpark);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer.name() + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Logs that a table without geometry of {@code input} was copied as an attribute table, with
     * its rows: the job summary counts them with the features, this line says what they were.
     */
    public static void reportAttributeTable(Path input, String table, long rows) {
        LOG.info("{}: table '{}' has no geometry: copied as an attribute table ({} row{})", input, table, rows,
                rows == 1 ? "" : "s");
    }

    private static long copy(FeatureSource source, int index, LayerDef layer, FeatureSink sink,
            CrsResolver.Operation op, GeometryPolicy policy, FeatureIssues issues, Path input,
            String targetCode, ProcessContext ctx) throws AssetFailure {
        // a table without geometry has no operation: its features (null geometries) pass as read
        FeatureTransformer transformer = op == null
                ? new FeatureTransformer(null, () -> null, null, null, issues, input, layer.name(), targetCode)
                : new FeatureTransformer(op, policy, issues, input, layer.name(), targetCode);
        try (FeatureCursor cursor = source.cursor(index, 0, -1)) {
            return transformer.copy(cursor, sink::write, ctx);
        }
    }

}
