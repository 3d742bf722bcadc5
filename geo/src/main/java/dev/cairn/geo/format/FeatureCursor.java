package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;

/** Streams the features of one layer, in a stable order. Not thread-safe. */
public interface FeatureCursor extends AutoCloseable {

    /** The next feature, or null at the end. Bad input is a FORMAT AssetFailure naming file, layer and feature. */
    Feature next() throws AssetFailure;

    @Override
    void close();
}
