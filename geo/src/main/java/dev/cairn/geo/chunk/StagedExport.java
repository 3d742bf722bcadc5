package dev.cairn.geo.chunk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.gpkg.GpkgProvider;
import dev.cairn.geo.pipeline.FeatureConverter;

/**
 * Publishes a chunked file into a format other than GeoPackage that writes no chunk parts
 * (Shapefile, GeoJSON; see {@link FormatProvider#chunkParts} and PartChunkConverter for
 * FlatGeobuf): the finished staging GeoPackage is exported through the output format to a temp
 * file and published by the format ({@link FormatProvider#publishOutput}).
 */
final class StagedExport {
    private final FormatProvider outputFormat;

    StagedExport(FormatProvider outputFormat) {
        this.outputFormat = outputFormat;
    }

    /**
     * Publishes a chunked file into a format other than GeoPackage: the finalised staging
     * GeoPackage (already in the target CRS, geometries already checked) is written through the
     * output format to a temp file of this chunk's own, published atomically (a Shapefile's
     * sidecars first, its .shp last), and only then is the staging file deleted. A crash before
     * the delete redoes the export on the next run (same content, overwritten); two chunks that
     * both find the file finalised both export it, with the same result.
     */
    String publish(Path staging, Path output, ChunkSpec chunk, ProcessContext ctx, LayerDef sinkLayer)
            throws IOException, AssetFailure {
        if (!Files.exists(staging) && Files.exists(output)) {
            return AtomicFiles.checksum(output); // a concurrent finaliser published and deleted it
        }
        // Temp files of an export killed earlier (the FlatGeobuf writer's feature file too). A
        // concurrent exporter's temp may go with them: its publish then fails and is retried.
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, 1000 * (chunk.index() + 1) + ctx.attempt());
        boolean published = false;
        try {
            long features = 0;
            try (FeatureSource source = STAGING_FORMAT.open(staging); FeatureSink sink = outputFormat.create(temp)) {
                List<LayerDef> staged = source.layers();
                if (staged.size() != 1) {
                    throw AssetFailure.permanent(ErrorClass.INTERNAL, staging + ": " + staged.size()
                            + " layers staged for a single-layer output; this is a bug in cairn");
                }
                sink.beginLayer(sinkLayer != null ? sinkLayer : staged.get(0));
                try (FeatureCursor cursor = source.cursor(0, 0, -1)) {
                    for (Feature f = cursor.next(); f != null; f = cursor.next()) {
                        sink.write(f);
                        if (++features % FeatureConverter.STOP_CHECK_INTERVAL == 0) {
                            ctx.checkStop();
                        }
                    }
                }
                sink.endLayer();
                sink.finish();
            }
            String checksum = outputFormat.publishOutput(temp, output, features);
            published = true;
            for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
                Files.deleteIfExists(staging.resolveSibling(staging.getFileName() + suffix));
            }
            return checksum;
        } catch (AssetFailure f) {
            String message = f.getMessage().replace(temp.toString(), output.toString())
                    .replace(staging.toString(), output.toString());
            throw new AssetFailure(f.errorClass(), message, f.isTransient(), f);
        } finally {
            if (!published) {
                deleteStartingWith(temp);
            }
        }
    }

    /** Deletes {@code temp} and every file beside it whose name extends it (sidecars, writers' side files). */
    private static void deleteStartingWith(Path temp) throws IOException {
        String prefix = temp.getFileName().toString();
        try (var files = Files.list(temp.toAbsolutePath().getParent())) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final FormatProvider STAGING_FORMAT = new GpkgProvider();
}
