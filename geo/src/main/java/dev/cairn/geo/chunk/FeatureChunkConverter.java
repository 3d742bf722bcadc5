package dev.cairn.geo.chunk;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.GpkgChunkConverter;
import dev.cairn.geo.gpkg.GpkgConverter;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.FeatureTransformer;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.pipeline.TargetCrs;
import java.nio.file.Path;
import java.util.List;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * One position-range chunk of a huge single-layer input in a format other than GeoPackage
 * (Shapefile, FlatGeobuf, GeoJSON, GeoJSONSeq): its features, checked and reprojected, are
 * committed exactly once into the file's staging GeoPackage together with the chunk's marker,
 * exactly as {@link GpkgChunkConverter} does for GeoPackage inputs (same staging file, states and
 * finalisation, see {@link GpkgChunkConverter#stageFeatures}), and the chunk completing the file
 * publishes it through the given {@link GpkgChunkConverter.Publisher}.
 *
 * <p>Positions are the source's feature order (record order of a Shapefile, feature order of a
 * FlatGeobuf or GeoJSON file), which the cursor seeks to ({@link FormatProvider#seekable}); a chunk
 * refuses an input whose size or modification time changed since planning (checked by the caller).
 * The CRS operation is resolved before the staging file is touched, so a CRS failure leaves none.
 */
public final class FeatureChunkConverter {
    private FeatureChunkConverter() {
    }

    public static GpkgChunkConverter.Result convert(Path input, FormatProvider format, Path output, String assetId,
            ChunkSpec chunk, GpkgConverter.Options options, ProcessContext ctx, GpkgChunkConverter.Publisher publisher,
            Path publishedMark) throws AssetFailure {
        if (!chunk.byPosition() || chunk.fidFrom() == null) {
            throw new IllegalArgumentException("not a position chunk: " + chunk.toPart());
        }
        TargetCrs target = TargetCrs.of(options.targetCrs());
        String code = target.code();
        CoordinateReferenceSystem crs = target.crs();
        FeatureIssues issues = new FeatureIssues();
        try (FeatureSource source = format.open(input)) {
            List<LayerDef> layers = source.layers();
            if (layers.size() != 1 || !layers.get(0).name().equals(chunk.layer())) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + chunk.layer()
                        + "' is gone (it was there when the job was planned); run the command again to re-plan");
            }
            LayerDef in = layers.get(0);
            CrsResolver.Operation op = FeatureConverter.operation(input, in, source.extent(0), options.assumeCrs(),
                    options.expectCrs(), crs, options.allowBallpark());
            if (chunk.index() == 0) {
                issues.ballpark(input, in.name(), op); // once per layer: with its first chunk
            }
            LayerDef out = in.inCrs(crs, code);
            long limit = chunk.fidTo() == null ? -1 : chunk.fidTo() - chunk.fidFrom();
            return GpkgChunkConverter.stageFeatures(input, out, output, assetId, chunk, options, ctx, publisher,
                    publishedMark, issues, planned(chunk, in), rows -> {
                        FeatureTransformer transformer = new FeatureTransformer(op,
                                options.onInvalid() == null ? null : new GeometryPolicy(options.onInvalid()),
                                issues, input, in.name(), code);
                        try (FeatureCursor cursor = source.cursor(0, chunk.fidFrom(), limit)) {
                            return transformer.copy(cursor, rows, ctx);
                        }
                    });
        }
    }

    /** The features of the chunk's planned range (for a chunk whose rows went in with an earlier attempt). */
    static long planned(ChunkSpec chunk, LayerDef in) {
        long end = chunk.fidTo() != null ? chunk.fidTo() : Math.max(in.featureCount(), chunk.fidFrom());
        return end - chunk.fidFrom();
    }
}
