package dev.cairn.geo.chunk;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.ProcessContext;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.GpkgChunkConverter;
import dev.cairn.geo.gpkg.GpkgConverter;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.TargetCrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Processes one chunk asset of a convert job. Into a format that writes chunk parts
 * ({@link FormatProvider#chunkParts}, FlatGeobuf): the chunk encodes its features into a part file
 * of its own, and the chunk completing the file merges the parts ({@link PartChunkConverter}).
 * Otherwise: committed exactly once into the file's staging GeoPackage (rows and marker in one
 * transaction), which the chunk completing the file publishes atomically — renamed when the
 * output format is the staging format ({@link FormatProvider#isStagingFormat}), exported through
 * the output format otherwise ({@link StagedExport}). Chunks are cut from the input as planned, so a chunk refuses to run on an
 * input whose size or mtime changed since: the next run re-plans it under a new staging file.
 */
public final class ChunkProcessor {
    private final GpkgConverter.Options options;
    private final FormatProvider outputFormat;
    private final Path outDir;
    private final InputFormat inputFormat;

    /** How the convert job tells an input's format (by content, see its processor). */
    @FunctionalInterface
    public interface InputFormat {
        FormatProvider of(Path input) throws AssetFailure;
    }

    /** @param options the job's CRS options and geometry policy ({@code layer} is not used: a chunk names its own) */
    public ChunkProcessor(FeatureConverter.Options options, FormatProvider outputFormat, Path outDir,
            InputFormat inputFormat) {
        this.options = new GpkgConverter.Options(options.targetCrs(), options.assumeCrs(), options.expectCrs(),
                options.onInvalid(), options.allowBallpark());
        this.outputFormat = outputFormat;
        this.outDir = outDir;
        this.inputFormat = inputFormat;
    }

    /**
     * @return what the chunk wrote, with the output's checksum when this chunk published it, and
     *         the features skipped or repaired by policy
     */
    public Outcome process(Asset asset, Path input, Path output, ProcessContext ctx) throws AssetFailure, IOException {
        ChunkSpec chunk;
        try {
            chunk = ChunkSpec.parse(asset.part());
        } catch (IllegalArgumentException e) {
            throw AssetFailure.permanent(ErrorClass.INTERNAL, asset.id() + ": " + e.getMessage(), e);
        }
        BasicFileAttributes attrs = Files.readAttributes(input, BasicFileAttributes.class);
        if (attrs.size() != asset.inputSize() || attrs.lastModifiedTime().toMillis() != asset.inputMtimeMillis()) {
            throw AssetFailure.permanent(ErrorClass.IO, input + ": changed since the job was planned (size or"
                    + " modification time); run the command again to re-plan its chunks");
        }
        // Position chunks read the input through its format; fid chunks read a GeoPackage directly.
        FormatProvider format = chunk.byPosition() ? inputFormat.of(input) : null;
        Path mark = PublishedMarkers.marker(outDir, chunk.planKey());
        Optional<ChunkParts> parts = outputFormat.chunkParts();
        if (parts.isPresent()) {
            GpkgChunkConverter.Result r = PartChunkConverter.convert(input, format, output, chunk, options, ctx,
                    outputFormat, parts.get(), mark);
            return new Outcome(r.features(), r.issues().skippedCount(), r.checksum(), r.issues().list());
        }
        GpkgChunkConverter.Publisher publisher = outputFormat.isStagingFormat() ? GpkgChunkConverter.RENAME
                : (staging, out) -> new StagedExport(outputFormat).publish(staging, out, chunk, ctx,
                        chunk.byPosition() ? sourceLayerInTarget(input, format) : null);
        GpkgChunkConverter.Result r = chunk.byPosition()
                ? FeatureChunkConverter.convert(input, format, output, asset.id(), chunk, options, ctx, publisher, mark)
                : GpkgChunkConverter.convert(input, output, asset.id(), chunk, options, ctx, publisher, mark);
        return new Outcome(r.features(), r.issues().skippedCount(), r.checksum(), r.issues().list());
    }

    /**
     * The layer definition an unchunked conversion gives the output's sink: the source layer's
     * (field types, widths and precisions as the source declares them), in the target CRS. The
     * staging GeoPackage keeps types but not widths, so a Shapefile or FlatGeobuf source's export
     * takes its fields from here.
     */
    private LayerDef sourceLayerInTarget(Path input, FormatProvider format) throws AssetFailure {
        TargetCrs target = TargetCrs.of(options.targetCrs());
        try (FeatureSource source = format.open(input)) {
            LayerDef in = source.layers().get(0);
            return in.inCrs(target.crs(), target.code());
        }
    }
}
