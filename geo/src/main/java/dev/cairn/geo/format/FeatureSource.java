package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;
import java.util.List;

/**
 * An opened input dataset. Memory stays flat: features are streamed by cursors, never loaded.
 * Not thread-safe.
 */
public interface FeatureSource extends AutoCloseable {

    List<LayerDef> layers() throws AssetFailure;

    /**
     * Features {@code [offset, offset + limit)} of layer {@code index} in the source's stable order
     * ({@code limit < 0}: to the end). Chunked conversions rely on two cursors over adjacent ranges
     * together yielding exactly the features of one cursor over their union.
     */
    FeatureCursor cursor(int index, long offset, long limit) throws AssetFailure;

    /**
     * The extent of layer {@code index} in its own CRS as the file declares it (minX, minY, maxX,
     * maxY), or null when it declares none; used to pick, among several datum transformations,
     * the one for the data's area (an empty or inverted box counts as none there).
     */
    default double[] extent(int index) {
        return null;
    }

    @Override
    void close();
}
