package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.gpkg.ChunkSpec;
import dev.cairn.geo.gpkg.GpkgChunkConverter;
import dev.cairn.geo.gpkg.GpkgConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Converts one input file (or one feature-range chunk of a huge one, see {@link #processChunk})
 * into its output, published atomically: the converter writes a temp
 * file beside the output, {@link AtomicFiles#commit} fsyncs and renames it, and only then does
 * the runner mark the asset done. A crash before the rename leaves a temp file that the next
 * attempt removes; a crash between the rename and the checkpoint redoes the asset, overwriting
 * the output with identical content (at-least-once, idempotent).
 */
public final class ConvertProcessor implements AssetProcessor {
    private final GpkgConverter.Options options;

    public ConvertProcessor(ConvertOptions options) {
        this.options = new GpkgConverter.Options(options.targetCrs(), options.assumeCrs());
    }

    @Override
    public Outcome process(Asset asset, ProcessContext ctx) throws AssetFailure, IOException {
        Path input = Path.of(asset.input());
        if (!Files.isRegularFile(input)) {
            throw AssetFailure.permanent(ErrorClass.IO, input + ": input no longer exists (it was there when the job was planned)");
        }
        Path output = Path.of(asset.output());
        Files.createDirectories(output.getParent());
        if (asset.part() != null) {
            return processChunk(asset, input, output, ctx);
        }
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, ctx.attempt());
        boolean committed = false;
        try {
            GpkgConverter.Result result = GpkgConverter.convert(input, temp, options, ctx);
            String checksum = AtomicFiles.commit(temp, output);
            committed = true;
            return new Outcome(result.features(), 0, checksum);
        } finally {
            if (!committed) {
                AtomicFiles.removeLeftovers(output);
            }
        }
    }

    /**
     * One feature-range chunk: committed exactly once into the file's staging GeoPackage (rows and
     * marker in one transaction), which the chunk completing the file publishes atomically.
     * Chunks are cut by fid from the input as planned, so a chunk refuses to run on an input whose
     * size or mtime changed since: the next run re-plans it under a new staging file.
     */
    private Outcome processChunk(Asset asset, Path input, Path output, ProcessContext ctx) throws AssetFailure, IOException {
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
        GpkgChunkConverter.Result result = GpkgChunkConverter.convert(input, output, asset.id(), chunk, options, ctx);
        return new Outcome(result.features(), 0, result.checksum());
    }
}
