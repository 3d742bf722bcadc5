package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.FeatureTransformer;
import dev.cairn.geo.pipeline.GeometryPolicy;

/**
 * One position-range chunk of a huge single-layer input in a format other than GeoPackage
 * (Shapefile, FlatGeobuf, GeoJSON, GeoJSONSeq): its features, checked and reprojected, are
 * committed exactly once into the file's staging GeoPackage together with the chunk's marker, exactly as
 * {@link GpkgChunkConverter} does for GeoPackage inputs (same staging file, states and
 * finalisation; see {@link StagedGpkg}), and the chunk completing the file publishes it through
 * the given {@link GpkgChunkConverter.Publisher}. The staging layer is the one
 * {@link GpkgFeatureSink} would write, so the result equals an unchunked conversion.
 *
 * <p>Positions are the source's feature order (record order of a Shapefile, feature order of a
 * FlatGeobuf or GeoJSON file), which the cursor seeks to; a chunk refuses an input whose size or
 * modification time changed since planning (checked by the caller).
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
        GpkgConverter.Target target = GpkgConverter.target(options);
        Path staging = AtomicFiles.stagingFor(output, chunk.planKey());
        FeatureIssues issues = new FeatureIssues();
        long features;
        boolean finalised;
        try (FeatureSource source = format.open(input)) {
            List<LayerDef> layers = source.layers();
            if (layers.size() != 1 || !layers.get(0).name().equals(chunk.layer())) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + chunk.layer()
                        + "' is gone (it was there when the job was planned); run the command again to re-plan");
            }
            LayerDef in = layers.get(0);
            CrsResolver.Operation op = FeatureConverter.operation(input, in, source.extent(0), options.assumeCrs(),
                    options.expectCrs(), target.crs());
            LayerDef out = new LayerDef(in.name(), in.geometryKind(), in.hasZ(), in.hasM(), target.crs(), target.label(),
                    in.fields(), in.featureCount());
            LayerSchema schema = GpkgFeatureSink.schemaFor(out, target.code());
            if (GpkgChunkConverter.alreadyPublished(publishedMark, staging, output)) {
                return new GpkgChunkConverter.Result(planned(chunk, in), true, GpkgChunkConverter.checksum(output), issues);
            }
            try (StagedGpkg stage = StagedGpkg.open(staging)) {
                StagedGpkg.ChunkCommit done = stage.commitChunk(assetId, chunk, List.of(schema), target, ctx.workerId(),
                        ctx.attempt(), () -> copy(source, in, out, schema, stage, chunk, op, options, issues, input,
                                staging, target, publisher == GpkgChunkConverter.RENAME, ctx));
                features = done.features();
                finalised = done.finalised();
            } catch (SQLException e) {
                throw AssetFailure.transientFailure(ErrorClass.IO, staging + ": cannot write the staging GeoPackage ("
                        + Sql.shortMessage(e) + ")", e);
            }
            if (features < 0) { // finalised before this attempt: the planned range
                features = planned(chunk, in);
            }
        }
        if (!finalised) {
            return new GpkgChunkConverter.Result(features, false, null, issues);
        }
        return new GpkgChunkConverter.Result(features, true,
                GpkgChunkConverter.publish(staging, output, chunk, publisher, publishedMark), issues);
    }

    /** The features of the chunk's planned range (for a chunk whose rows went in with an earlier attempt). */
    private static long planned(ChunkSpec chunk, LayerDef in) {
        long end = chunk.fidTo() != null ? chunk.fidTo() : Math.max(in.featureCount(), chunk.fidFrom());
        return end - chunk.fidFrom();
    }

    private static long copy(FeatureSource source, LayerDef in, LayerDef out, LayerSchema schema, StagedGpkg stage,
            ChunkSpec chunk, CrsResolver.Operation op, GpkgConverter.Options options, FeatureIssues issues, Path input,
            Path staging, GpkgConverter.Target target, boolean asOutput, ProcessContext ctx)
            throws AssetFailure, SQLException {
        FeatureTransformer transformer = new FeatureTransformer(op.operation().getMathTransform(), op::withHeights,
                options.onInvalid() == null ? null : new GeometryPolicy(options.onInvalid()), issues, input, in.name(),
                target.label());
        long limit = chunk.fidTo() == null ? -1 : chunk.fidTo() - chunk.fidFrom();
        try (FeatureRows rows = new FeatureRows(staging, out, target.code(), stage.writer().insertStatement(schema),
                stage.rtreeStage(schema), asOutput);
             FeatureCursor cursor = source.cursor(0, chunk.fidFrom(), limit)) {
            return transformer.copy(cursor, rows::write, ctx);
        }
    }
}
