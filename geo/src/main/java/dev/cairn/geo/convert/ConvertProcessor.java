package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.gpkg.ChunkSpec;
import dev.cairn.geo.gpkg.FeatureChunkConverter;
import dev.cairn.geo.gpkg.GpkgChunkConverter;
import dev.cairn.geo.gpkg.GpkgConverter;
import dev.cairn.geo.gpkg.GpkgProvider;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import java.util.List;
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
    private final FormatProvider outputFormat;
    private final Path outDir;

    public ConvertProcessor(ConvertOptions options) {
        this.outDir = options.outDir();
        this.options = new GpkgConverter.Options(options.targetCrs(), options.assumeCrs(), options.expectCrs(),
                options.onInvalid());
        this.outputFormat = ConvertPlanner.FORMATS.forName(options.format()).orElseThrow(
                () -> new IllegalArgumentException("unknown output format " + options.format()));
    }

    @Override
    public Outcome process(Asset asset, ProcessContext ctx) throws AssetFailure, IOException {
        Path input = Path.of(asset.input());
        if (!Files.isRegularFile(input)) {
            throw AssetFailure.permanent(ErrorClass.IO, input + ": input no longer exists (it was there when the job was planned)");
        }
        Path output = Path.of(asset.output());
        Files.createDirectories(output.getParent());
        if (asset.part() != null && !asset.part().startsWith(ConvertPlanner.LAYER_PART)) {
            return processChunk(asset, input, output, ctx);
        }
        FormatProvider inputFormat = inputFormat(input);
        if (!(inputFormat instanceof GpkgProvider) || !(outputFormat instanceof GpkgProvider)) {
            return processGeneric(asset, input, inputFormat, output, ctx);
        }
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, ctx.attempt());
        boolean committed = false;
        try {
            GpkgConverter.Result result = GpkgConverter.convert(input, temp, options, ctx);
            String checksum = AtomicFiles.commit(temp, output);
            committed = true;
            return outcome(result.features(), checksum, result.issues());
        } finally {
            if (!committed) {
                AtomicFiles.removeLeftovers(output);
            }
        }
    }

    /**
     * The format of an input, by content. When the content matches no format, the format of the
     * extension gets the file, so that its own reader says precisely what is wrong ("not a
     * GeoPackage (file is empty)", "corrupt or truncated GeoPackage").
     */
    private static FormatProvider inputFormat(Path input) throws AssetFailure {
        try {
            return ConvertPlanner.FORMATS.detect(input);
        } catch (AssetFailure unknown) {
            String name = input.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            for (FormatProvider p : ConvertPlanner.FORMATS.providers()) {
                if (p.extensions().stream().anyMatch(name::endsWith)) {
                    return p;
                }
            }
            throw unknown;
        }
    }

    /**
     * Any other pair of formats, through the format SPI: written to a temp name, then published
     * atomically — a Shapefile's sidecars first and its {@code .shp} last.
     */
    private Outcome processGeneric(Asset asset, Path input, FormatProvider inputFormat, Path output,
            ProcessContext ctx) throws AssetFailure, IOException {
        int layer = FeatureConverter.ALL_LAYERS;
        if (asset.part() != null) {
            layer = layerIndex(input, inputFormat, asset.part().substring(ConvertPlanner.LAYER_PART.length()));
        } else if (!outputFormat.multiLayer()) {
            layer = 0;
        }
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, ctx.attempt());
        boolean committed = false;
        try {
            FeatureConverter.Result result = FeatureConverter.convert(input, inputFormat, temp, outputFormat,
                    new FeatureConverter.Options(options.targetCrs(), options.assumeCrs(), options.expectCrs(),
                            options.onInvalid(), layer), ctx);
            String checksum = StagedExport.publish(outputFormat, temp, output, result.features());
            committed = true;
            return outcome(result.features(), checksum, result.issues());
        } catch (AssetFailure f) {
            // Writers name the file they write, a hidden temp name; users know the input and the output.
            String message = f.getMessage().replace(temp.toString(), input + " → " + output);
            throw new AssetFailure(f.errorClass(), message, f.isTransient(), f);
        } finally {
            if (!committed) {
                AtomicFiles.removeLeftovers(output);
            }
        }
    }

    private static int layerIndex(Path input, FormatProvider format, String layer) throws AssetFailure {
        try (FeatureSource source = format.open(input)) {
            List<LayerDef> layers = source.layers();
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i).name().equals(layer)) {
                    return i;
                }
            }
        }
        throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + layer
                + "' is gone (it was there when the job was planned); run the command again to re-plan");
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
        FormatProvider inputFormat = chunk.byPosition() ? inputFormat(input) : null;
        GpkgChunkConverter.Publisher publisher = outputFormat instanceof GpkgProvider ? GpkgChunkConverter.RENAME
                : (staging, out) -> new StagedExport(outputFormat).publish(staging, out, chunk, ctx,
                        chunk.byPosition() ? sourceLayerInTarget(input, inputFormat) : null);
        Path mark = PublishedMarkers.marker(outDir, chunk.planKey());
        GpkgChunkConverter.Result result = chunk.byPosition()
                ? FeatureChunkConverter.convert(input, inputFormat, output, asset.id(), chunk, options, ctx, publisher, mark)
                : GpkgChunkConverter.convert(input, output, asset.id(), chunk, options, ctx, publisher, mark);
        return outcome(result.features(), result.checksum(), result.issues());
    }

    /**
     * The layer definition an unchunked conversion gives the output's sink: the source layer's
     * (field types, widths and precisions as the source declares them), in the target CRS. The
     * staging GeoPackage keeps types but not widths, so a Shapefile or FlatGeobuf source's export
     * takes its fields from here.
     */
    private LayerDef sourceLayerInTarget(Path input, FormatProvider format) throws AssetFailure {
        try (FeatureSource source = format.open(input)) {
            LayerDef in = source.layers().get(0);
            String code = CrsResolver.canonicalCode(options.targetCrs());
            return new LayerDef(in.name(), in.geometryKind(), in.hasZ(), in.hasM(), CrsResolver.forCode(code), code,
                    in.fields(), in.featureCount());
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }

    private static Outcome outcome(long features, String checksum, FeatureIssues issues) {
        return new Outcome(features, issues.skippedCount(), checksum, issues.list());
    }
}
