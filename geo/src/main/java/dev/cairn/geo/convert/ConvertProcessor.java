package dev.cairn.geo.convert;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.chunk.ChunkProcessor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.DirectConverter;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.FormatRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Converts one input file (or one layer of it, or one feature-range chunk of a huge one, see
 * {@link ChunkProcessor}) into its output, published atomically: the converter writes a temp
 * file beside the output, the output format publishes it ({@link FormatProvider#publishOutput}:
 * fsync and rename, a Shapefile's .shp last), and only then does the runner mark the asset done.
 * A crash before the publication leaves a temp file that the next attempt removes; a crash between
 * it and the checkpoint redoes the asset, overwriting the output with identical content
 * (at-least-once, idempotent).
 *
 * <p>A pair of formats with a registered {@link DirectConverter} (GeoPackage to GeoPackage) takes
 * it; any other pair goes feature by feature through the format SPI ({@link FeatureConverter}).
 */
public final class ConvertProcessor implements AssetProcessor {
    private final ConvertOptions options;
    private final FormatProvider outputFormat;
    private final ChunkProcessor chunks;

    public ConvertProcessor(ConvertOptions options) {
        this.options = options;
        this.outputFormat = ConvertPlanner.FORMATS.forName(options.format()).orElseThrow(
                () -> new IllegalArgumentException("unknown output format " + options.format()))
                .withCoordinatePrecision(options.coordinatePrecision());
        this.chunks = new ChunkProcessor(new FeatureConverter.Options(options.targetCrs(), options.assumeCrs(),
                options.expectCrs(), options.onInvalid(), FeatureConverter.ALL_LAYERS, options.allowBallpark()),
                outputFormat, options.outDir(),
                ConvertProcessor::inputFormat);
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
            return chunks.process(asset, input, output, ctx);
        }
        FormatProvider inputFormat = inputFormat(input);
        int layer = FeatureConverter.ALL_LAYERS;
        if (asset.part() != null) {
            layer = layerIndex(input, inputFormat, asset.part().substring(ConvertPlanner.LAYER_PART.length()));
        } else if (!outputFormat.multiLayer()) {
            layer = 0;
        }
        FeatureConverter.Options convert = new FeatureConverter.Options(options.targetCrs(), options.assumeCrs(),
                options.expectCrs(), options.onInvalid(), layer, options.allowBallpark());
        Optional<DirectConverter> direct = layer == FeatureConverter.ALL_LAYERS
                ? DirectConverter.between(inputFormat, outputFormat) : Optional.empty();
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, ctx.attempt());
        boolean committed = false;
        try {
            FeatureConverter.Result result = direct.isPresent()
                    ? direct.get().convert(input, temp, convert, ctx)
                    : FeatureConverter.convert(input, inputFormat, temp, outputFormat, convert, ctx);
            String checksum = outputFormat.publishOutput(temp, output, result.features());
            committed = true;
            return outcome(result.features(), checksum, result.issues());
        } catch (AssetFailure f) {
            if (direct.isPresent()) {
                throw f;
            }
            // Writers name the file they write, a hidden temp name; users know the input and the output.
            String message = f.getMessage().replace(temp.toString(), input + " → " + output);
            throw new AssetFailure(f.errorClass(), message, f.isTransient(), f);
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
    static FormatProvider inputFormat(Path input) throws AssetFailure {
        try {
            return ConvertPlanner.FORMATS.detect(input);
        } catch (AssetFailure unknown) {
            String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
            for (FormatProvider p : ConvertPlanner.FORMATS.providers()) {
                if (p.extensions().stream().anyMatch(name::endsWith)) {
                    Optional<String> what = FormatRegistry.foreignContent(input);
                    if (what.isPresent()) {
                        throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": not a " + p.title() + ": the content is "
                                + what.get());
                    }
                    return p;
                }
            }
            throw unknown;
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

    private static Outcome outcome(long features, String checksum, FeatureIssues issues) {
        return new Outcome(features, issues.skippedCount(), checksum, issues.list());
    }
}
