package dev.cairn.geo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.opengis.referencing.crs.CoordinateReferenceSystem;

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
     * @param features   features written, all layers
     * @param layers     number of layers written
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
                operations.add(operation(input, all.get(i), source.extent(i), options.assumeCrs(), options.expectCrs(),
                        target, options.allowBallpark()));
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
                    sink.beginLayer(new LayerDef(layer.name(), layer.geometryKind(), layer.hasZ(), layer.hasM(),
                            target, targetCode, layer.fields(), layer.featureCount()));
                    features += copy(source, index, layer, sink, op, policy, issues, input, targetCode, ctx);
                    sink.endLayer();
                    names.add(layer.name());
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

    private static long copy(FeatureSource source, int index, LayerDef layer, FeatureSink sink,
            CrsResolver.Operation op, GeometryPolicy policy, FeatureIssues issues, Path input,
            String targetCode, ProcessContext ctx) throws AssetFailure {
        FeatureTransformer transformer = new FeatureTransformer(op, policy, issues, input, layer.name(), targetCode);
        try (FeatureCursor cursor = source.cursor(index, 0, -1)) {
            return transformer.copy(cursor, sink::write, ctx);
        }
    }

}
