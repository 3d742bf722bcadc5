package dev.cairn.geo.gpkg;

import dev.cairn.geo.format.ChunkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.engine.StagingLock;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.engine.StagedSqliteOutput;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.FeatureTransformer;

/**
 * Converts one feature-range chunk of a huge GeoPackage into the file's staging GeoPackage
 * ({@link StagedGpkg}), exactly once, and publishes the output when the file's last chunk is in.
 *
 * <p><b>Protocol</b>, in one {@code BEGIN IMMEDIATE} transaction on the staging file: create the
 * schema if the file is empty; if this asset's marker is in {@code cairn_chunks}, the chunk was
 * committed by an earlier attempt that died before its checkpoint, so nothing is inserted;
 * otherwise stream the chunk's rows (fid order, one row in memory) into the layer table, their
 * R-tree entries into the stage table, and the marker; if the markers now number the plan's
 * chunk total, finalise; commit. Then, if the file is finalised, fsync it, rename it to the
 * output and fsync the directory ({@link AtomicFiles#commit}): the rename is the commit point of
 * the output, so no reader ever sees a partial output under its final name.
 *
 * <p><b>Crashes.</b> Before the commit: SQLite rolls the transaction back, the chunk is redone.
 * Between the commit and the runner's checkpoint: the redo finds the marker and inserts nothing
 * (no duplicate), and finalises or renames if that was left to do. Between finalisation and the
 * rename: any redone chunk finds the file FINALISED and renames it. Two workers finishing at once
 * cannot both finalise (transactions are serial; the second finds the file finalised), and a
 * rename that finds the staging file gone and the output present was done by the other.
 *
 * <p>Inputs of other formats are read by the chunk package's FeatureChunkConverter and staged
 * through {@link #stageFeatures}, with the same protocol and the same staging file layout.
 *
 * <p>The transaction holds the staging file's write lock while the chunk is read and transcoded,
 * so chunks of one file are written one at a time (chunks of different files run in parallel).
 */
public final class GpkgChunkConverter {

    /**
     * @param features  features of this chunk (as first committed, also when this attempt found its marker)
     * @param published true if this call renamed the finished file to the output
     * @param checksum  the output's checksum when published, else null
     * @param issues    features skipped or repaired under --on-invalid by this attempt's copy (none
     *                  when the chunk's rows were committed by an earlier attempt whose checkpoint
     *                  was lost: they are not known again)
     */
    public record Result(long features, boolean published, String checksum, FeatureIssues issues) {
    }

    private GpkgChunkConverter() {
    }

    /**
     * Turns the finalised staging GeoPackage into the output: {@link #RENAME} for a GeoPackage
     * output, an export into another format otherwise. Must be idempotent (a crash after it and
     * before the checkpoint runs it again) and must leave the output complete or untouched.
     * Returns the output's checksum.
     */
    @FunctionalInterface
    public interface Publisher {
        String publish(Path staging, Path output) throws IOException, AssetFailure;
    }

    /** Publishes a GeoPackage output: the staging file is renamed to it. */
    public static final Publisher RENAME = GpkgChunkConverter::rename;

    /** Chunks into a GeoPackage output, without a published mark; see the full method. */
    public static Result convert(Path input, Path output, String assetId, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx) throws AssetFailure {
        return convert(input, output, assetId, chunk, options, ctx, RENAME, null);
    }

    /**
     * @param publishedMark a file written just before the finished file is published (before its
     *                      staging file goes); when it exists, the staging file does not and the
     *                      output does, the file was published already and this chunk is done.
     *                      Null: no mark (a chunk after publication then starts a new staging file)
     */
    public static Result convert(Path input, Path output, String assetId, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx, Publisher publisher, Path publishedMark)
            throws AssetFailure {
        try (StagingLock lock = ctx.lockStaging(AtomicFiles.stagingFor(output, chunk.planKey()).toString())) {
            return convertLocked(input, output, assetId, chunk, options, ctx, publisher, publishedMark);
        }
    }

    /** {@link #convert} while holding the staging file's lock (see {@link StagingLock}). */
    private static Result convertLocked(Path input, Path output, String assetId, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx, Publisher publisher, Path publishedMark)
            throws AssetFailure {
        GpkgConverter.Target target = GpkgConverter.target(options);
        Path staging = AtomicFiles.stagingFor(output, chunk.planKey());
        long features;
        boolean finalised;
        LayerCopier copier = new LayerCopier(input, staging, ctx, options.onInvalid());
        try (GpkgReader reader = GpkgReader.open(input)) {
            List<LayerSchema> layers = new ArrayList<>();
            reader.listContents(layers, new ArrayList<>());
            LayerSchema layer = layers.stream().filter(l -> l.table().equals(chunk.layer())).findFirst()
                    .orElseThrow(() -> AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + chunk.layer()
                            + "' is gone (it was there when the job was planned); run the command again to re-plan"));
            // A chunk whose layer is the whole plan of its staging file (a single-layer input, or
            // one layer of a multi-layer input going to its own single-layer output) stages that
            // layer alone; otherwise the staging file holds every layer of the input.
            List<LayerSchema> staged = chunk.fileChunks() == chunk.layerChunks() ? List.of(layer) : layers;
            // an attribute table has no CRS: no operation, its rows are copied as read
            CrsResolver.Operation op = layer.hasGeometry()
                    ? GpkgConverter.operation(reader, layer, input, options, target.crs()) : null;
            if (op != null && chunk.index() == 0) {
                copier.ballpark(layer, op); // once per layer: with its first chunk
            }
            Supplier<GeometryTranscoder> transcoders = GpkgConverter.transcoders(op, target, options);
            if (alreadyPublished(publishedMark, staging, output)) {
                return new Result(count(reader, layer, chunk, input), true, checksum(output), copier.issues());
            }
            try (StagedGpkg stage = StagedGpkg.open(staging, publisher == RENAME)) {
                StagedSqliteOutput.ChunkCommit done = stage.commitChunk(assetId, chunk, staged, target, ctx.workerId(),
                        ctx.attempt(), () -> copy(copier, reader, stage, layer, chunk, transcoders, target, input));
                features = done.items();
                finalised = done.finalised();
                if (!layer.hasGeometry() && features >= 0) {
                    FeatureConverter.reportAttributeTable(input, layer.table(), features);
                }
            } catch (SQLException e) {
                throw AssetFailure.transientFailure(ErrorClass.IO, staging + ": cannot write the staging GeoPackage ("
                        + Sql.shortMessage(e) + ")", e);
            }
            if (features < 0) {
                features = count(reader, layer, chunk, input); // finalised before this attempt: count the range
            }
        }
        if (!finalised) {
            return new Result(features, false, null, copier.issues());
        }
        return new Result(features, true, publish(staging, output, chunk, publisher, publishedMark), copier.issues());
    }

    /** Writes a chunk's features, checked and reprojected, through {@code rows}; returns how many it wrote. */
    @FunctionalInterface
    public interface FeatureCopy {
        long copy(FeatureTransformer.Writer rows) throws AssetFailure;
    }

    /**
     * Stages one position-range chunk of an input in another format (read by the caller, see the
     * chunk package's FeatureChunkConverter) with the same protocol as {@link #convert}: the rows
     * {@code copy} writes into the layer {@code out} (the source layer in the target CRS, as
     * {@link GpkgFeatureSink} would write it, so the result equals an unchunked conversion) and the
     * chunk's marker commit in one transaction; the chunk completing the file publishes it.
     *
     * @param planned features of the chunk's planned range, reported when its rows went in with an
     *                earlier attempt whose checkpoint was lost
     */
    public static Result stageFeatures(Path input, LayerDef out, Path output, String assetId, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx, Publisher publisher, Path publishedMark,
            FeatureIssues issues, long planned, FeatureCopy copy) throws AssetFailure {
        try (StagingLock lock = ctx.lockStaging(AtomicFiles.stagingFor(output, chunk.planKey()).toString())) {
            return stageFeaturesLocked(input, out, output, assetId, chunk, options, ctx, publisher, publishedMark,
                    issues, planned, copy);
        }
    }

    /** {@link #stageFeatures} while holding the staging file's lock (see {@link StagingLock}). */
    private static Result stageFeaturesLocked(Path input, LayerDef out, Path output, String assetId, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx, Publisher publisher, Path publishedMark,
            FeatureIssues issues, long planned, FeatureCopy copy) throws AssetFailure {
        GpkgConverter.Target target = GpkgConverter.target(options);
        Path staging = AtomicFiles.stagingFor(output, chunk.planKey());
        LayerSchema schema = GpkgFeatureSink.schemaFor(out, target.code());
        if (alreadyPublished(publishedMark, staging, output)) {
            return new Result(planned, true, checksum(output), issues);
        }
        long features;
        boolean finalised;
        try (StagedGpkg stage = StagedGpkg.open(staging, publisher == RENAME)) {
            StagedSqliteOutput.ChunkCommit done = stage.commitChunk(assetId, chunk, List.of(schema), target, ctx.workerId(),
                    ctx.attempt(), () -> {
                        try (FeatureRows rows = new FeatureRows(staging, out, target.code(),
                                stage.writer().insertStatement(schema), stage.rtreeStage(schema), publisher == RENAME)) {
                            return copy.copy(rows::write);
                        }
                    });
            features = done.items() < 0 ? planned : done.items(); // < 0: finalised before this attempt
            finalised = done.finalised();
        } catch (SQLException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, staging + ": cannot write the staging GeoPackage ("
                    + Sql.shortMessage(e) + ")", e);
        }
        if (!finalised) {
            return new Result(features, false, null, issues);
        }
        return new Result(features, true, publish(staging, output, chunk, publisher, publishedMark), issues);
    }

    /** Publishes a finalised staging file and removes the staging files of other plans; returns the checksum. */
    static String publish(Path staging, Path output, ChunkSpec chunk, Publisher publisher, Path publishedMark)
            throws AssetFailure {
        try {
            if (publishedMark != null) {
                PublishedMarkers.mark(publishedMark, output); // on disk before the staging file can go
            }
            String checksum = publisher.publish(staging, output);
            AtomicFiles.removeStaleStaging(output, chunk.planKey());
            return checksum;
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot publish the output (" + e + ")", e);
        }
    }

    /** True when the plan's file was published (see {@link #convert}'s {@code publishedMark}). */
    static boolean alreadyPublished(Path publishedMark, Path staging, Path output) {
        return PublishedMarkers.isPublished(publishedMark, staging, output);
    }

    static String checksum(Path output) throws AssetFailure {
        try {
            return AtomicFiles.checksum(output);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot read the output (" + e + ")", e);
        }
    }

    private static long copy(LayerCopier copier, GpkgReader reader, StagedGpkg stage, LayerSchema layer,
            ChunkSpec chunk, Supplier<GeometryTranscoder> transcoders, GpkgConverter.Target target, Path input)
            throws AssetFailure, SQLException {
        double[] extent = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        try (PreparedStatement insert = stage.writer().insertStatement(layer);
             PreparedStatement rtree = stage.rtreeStage(layer)) {
            try (ResultSet rs = reader.rows(layer, chunk.fidFrom(), chunk.fidTo())) {
                return copier.copyRows(rs, insert, rtree, layer, transcoders, extent, target.label());
            } catch (SQLException e) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + layer.table()
                        + "' is unreadable (" + Sql.shortMessage(e) + "); the file may be truncated or corrupt", e);
            }
        }
    }

    /** Rows of the chunk's range in the input (for a chunk whose marker went with the finalisation). */
    private static long count(GpkgReader reader, LayerSchema layer, ChunkSpec chunk, Path input) throws AssetFailure {
        String pk = Sql.quote(layer.primaryKey());
        String sql = "SELECT count(*) FROM " + Sql.quote(layer.table()) + " WHERE 1"
                + (chunk.fidFrom() == null ? "" : " AND " + pk + " >= " + chunk.fidFrom())
                + (chunk.fidTo() == null ? "" : " AND " + pk + " < " + chunk.fidTo());
        try (java.sql.Statement s = reader.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + layer.table()
                    + "' is unreadable (" + Sql.shortMessage(e) + ")", e);
        }
    }

    /** Renames the finalised staging file to the output; a concurrent finaliser may have done it already. */
    private static String rename(Path staging, Path output) throws IOException {
        try {
            return AtomicFiles.commit(staging, output);
        } catch (NoSuchFileException gone) {
            if (Files.exists(staging) || !Files.isRegularFile(output)) {
                throw gone;
            }
            return AtomicFiles.checksum(output);
        }
    }

}
