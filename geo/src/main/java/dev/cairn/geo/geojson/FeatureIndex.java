package dev.cairn.geo.geojson;

/**
 * A sparse index of a GeoJSON file's features, made by the schema pass so that a cursor over
 * {@code [offset, offset + n)} starts near {@code offset} instead of tokenizing every feature
 * before it (GeoJSON has no index of its own; chunked conversions of one huge file need ranges).
 *
 * <p>{@code offsets[k]} is the byte offset in the file of the {@code '{'} that opens feature
 * {@code k * stride}. A cursor seeks to the entry at or below its first feature and skips at most
 * {@code stride - 1} features from there. 10 million features at the default stride of 1,024 take
 * about 80 KB.
 *
 * @param stride  features between two entries (at least 1)
 * @param offsets byte offsets of features {@code 0, stride, 2 * stride, ...}; {@code offsets[0]}
 *                is the first feature
 */
record FeatureIndex(int stride, long[] offsets) {
    static final int DEFAULT_STRIDE = 1024;

    FeatureIndex {
        if (stride < 1 || offsets.length == 0) {
            throw new IllegalArgumentException("stride " + stride + ", " + offsets.length + " offsets");
        }
    }

    /** The entry to start from for a cursor whose first feature is {@code position}. */
    int entryFor(long position) {
        return (int) Math.min(position / stride, offsets.length - 1);
    }

    /** The position of the feature at entry {@code k}. */
    long positionOf(int k) {
        return (long) k * stride;
    }
}
