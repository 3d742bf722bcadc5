package dev.cairn.geo.format;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One feature-range chunk of a huge input: the rows of {@code layer} whose fid is in
 * {@code [fidFrom, fidTo)} (a null bound is open, so the first and last chunk of a layer also
 * cover fids outside the planned range); or, when {@code byPosition} (inputs of other formats,
 * one layer), the features at 0-based positions {@code [fidFrom, fidTo)} in the file's order. Every layer of a chunked file is cut into chunks (a
 * small layer is one chunk); all chunks of the file fill one staging GeoPackage, which is
 * published when the last of its {@code fileChunks} chunks commits.
 *
 * <p>Stored as the asset's {@code part}, a stable text parsed back by {@link #parse}:
 * <pre>
 *   chunk=K/N;file-chunks=T;fid=[FROM,TO);plan=KEY;layer=NAME        (or position=[FROM,TO))
 *     K     0-based index of the chunk within its layer, N chunks in the layer
 *     T     chunks in the whole file (all layers): the count of markers that completes it
 *     FROM  first fid (empty: open), TO first fid of the next chunk (empty: open)
 *     KEY   hex digest of the input fingerprint, the job options and every boundary of the
 *           file's plan: names the staging file, so a changed input never reuses stale chunks
 *     NAME  the layer's table name, last so that it may hold any character
 * </pre>
 */
public record ChunkSpec(String layer, int index, int layerChunks, int fileChunks, Long fidFrom, Long fidTo,
        String planKey, boolean byPosition) {
    private static final Pattern PART = Pattern.compile(
            "chunk=(\\d+)/(\\d+);file-chunks=(\\d+);(fid|position)=\\[(-?\\d*),(-?\\d*)\\);plan=([0-9a-f]+);layer=(.*)",
            Pattern.DOTALL);

    /** A chunk of a GeoPackage layer, cut by fid. */
    public ChunkSpec(String layer, int index, int layerChunks, int fileChunks, Long fidFrom, Long fidTo, String planKey) {
        this(layer, index, layerChunks, fileChunks, fidFrom, fidTo, planKey, false);
    }

    public ChunkSpec {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(planKey, "planKey");
        if (index < 0 || index >= layerChunks || layerChunks > fileChunks) {
            throw new IllegalArgumentException("chunk " + index + "/" + layerChunks + " of " + fileChunks + " is not a chunk");
        }
        if (fidFrom != null && fidTo != null && fidFrom >= fidTo) {
            throw new IllegalArgumentException("empty fid range [" + fidFrom + ", " + fidTo + ")");
        }
    }

    /** The text stored as {@link dev.cairn.engine.Asset#part()}. */
    public String toPart() {
        return "chunk=" + index + "/" + layerChunks + ";file-chunks=" + fileChunks + (byPosition ? ";position=[" : ";fid=[")
                + bound(fidFrom) + "," + bound(fidTo) + ");plan=" + planKey + ";layer=" + layer;
    }

    /** Parses {@link #toPart()}; throws IllegalArgumentException naming the text if it is not one. */
    public static ChunkSpec parse(String part) {
        Matcher m = PART.matcher(part == null ? "" : part);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a chunk part: " + part);
        }
        return new ChunkSpec(m.group(8), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), fid(m.group(5)), fid(m.group(6)), m.group(7), m.group(4).equals("position"));
    }

    /** True if {@code fid} falls in this chunk's range. */
    public boolean contains(long fid) {
        return (fidFrom == null || fid >= fidFrom) && (fidTo == null || fid < fidTo);
    }

    private static String bound(Long fid) {
        return fid == null ? "" : fid.toString();
    }

    private static Long fid(String s) {
        return s.isEmpty() ? null : Long.valueOf(s);
    }
}
