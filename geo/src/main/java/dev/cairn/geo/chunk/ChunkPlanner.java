package dev.cairn.geo.chunk;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.FidRangePlanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Cuts a huge input into chunks of about {@code n} features, each planned as an asset of its own
 * (see {@link ChunkSpec} for the part text): a GeoPackage's layers by fid range (every layer of a
 * chunked file, a small one as one chunk; {@link FidRangePlanner}), an input of a
 * {@link FormatProvider#seekable seekable} single-layer format by feature position.
 *
 * <p>Every chunk of a file names the file's staging GeoPackage by a plan key: a digest of the
 * job's fingerprint, the output, the input's size and mtime and every boundary, so a changed input,
 * another plan or another job ({@code --fresh} with other options) never finds chunks committed
 * for something else.
 */
public final class ChunkPlanner {
    private ChunkPlanner() {
    }

    /**
     * The chunks of {@code file} in {@code format}: by fid range when the input is in the staging
     * format itself ({@link FormatProvider#isStagingFormat}: a GeoPackage, whose rows are read
     * straight into the staging file), by position when the format is seekable; empty when the
     * file is converted whole.
     *
     * @param layer the one layer to plan (a layer of a multi-layer input going to its own
     *              single-layer output), or null for the whole file
     */
    public static List<ChunkSpec> plan(Path file, FormatProvider format, long n, String layer, String fingerprint,
            String rel, long size, long mtime) {
        if (format.isStagingFormat()) {
            return fidChunks(file, n, layer, fingerprint, rel, size, mtime);
        }
        return layer == null ? positionChunks(file, format, n, fingerprint, rel, size, mtime) : List.of();
    }

    /**
     * Fid-range chunks of the layers of a GeoPackage {@code file} (all of them, or only {@code layer}
     * when not null) when one of them holds more than {@code n} features; empty otherwise (the file
     * is converted whole) and when {@code n} is 0.
     */
    static List<ChunkSpec> fidChunks(Path file, long n, String layer, String fingerprint, String rel,
            long size, long mtime) {
        List<FidRangePlanner.LayerRanges> ranges = FidRangePlanner.plan(file, n);
        if (layer != null) {
            ranges = ranges.stream().filter(r -> r.layer().equals(layer) && r.chunks() > 1).toList();
        }
        if (ranges.isEmpty()) {
            return List.of();
        }
        String key = planKey(fingerprint, rel, size, mtime, ranges);
        int total = ranges.stream().mapToInt(FidRangePlanner.LayerRanges::chunks).sum();
        List<ChunkSpec> chunks = new ArrayList<>(total);
        for (FidRangePlanner.LayerRanges r : ranges) {
            for (int k = 0; k < r.chunks(); k++) {
                chunks.add(new ChunkSpec(r.layer(), k, r.chunks(), total, r.from(k), r.to(k), key));
            }
        }
        return chunks;
    }

    /**
     * Position-range chunks {@code [k * n, (k + 1) * n)} (the last one open-ended) of a
     * single-layer file of a seekable format with more than {@code n} features; empty otherwise,
     * and for an unreadable file (converted whole: its processing says what is wrong).
     */
    static List<ChunkSpec> positionChunks(Path file, FormatProvider format, long n, String fingerprint,
            String rel, long size, long mtime) {
        if (n <= 0 || size < 8 * n || !format.seekable()) {
            return List.of(); // a record or feature takes at least 8 bytes: too small to hold n features
        }
        List<LayerDef> layers;
        try (FeatureSource source = format.open(file)) {
            layers = source.layers();
        } catch (AssetFailure unreadable) {
            return List.of();
        }
        if (layers.size() != 1 || layers.get(0).featureCount() <= n) {
            return List.of();
        }
        LayerDef layer = layers.get(0);
        int count = (int) Math.min(Integer.MAX_VALUE, (layer.featureCount() + n - 1) / n);
        String key = planKey(fingerprint, rel, size, mtime, List.of()); // the cuts follow from size, mtime and n
        List<ChunkSpec> chunks = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            chunks.add(new ChunkSpec(layer.name(), k, count, count, k * n, k == count - 1 ? null : (k + 1) * n, key, true));
        }
        return chunks;
    }

    /** The id of a chunk asset: {@code OUTPUT#LAYER[K]}, stable for as long as the plan is. */
    public static String chunkId(String rel, ChunkSpec chunk) {
        return rel + "#" + chunk.layer() + "[" + chunk.index() + "]";
    }

    private static String planKey(String fingerprint, String rel, long size, long mtime,
            List<FidRangePlanner.LayerRanges> ranges) {
        StringBuilder text = new StringBuilder(fingerprint).append('\n').append(rel)
                .append('\n').append(size).append('\n').append(mtime).append('\n');
        for (FidRangePlanner.LayerRanges layer : ranges) {
            text.append(layer.layer()).append('\0').append(layer.starts()).append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
