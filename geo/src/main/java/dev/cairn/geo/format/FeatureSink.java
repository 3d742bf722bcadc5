package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;

/**
 * Writes one output file. Call order: ({@link #beginLayer} {@link #write}* {@link #endLayer})+
 * {@link #finish}, then {@link #close}. The file is complete only after {@link #finish}; the caller
 * then publishes it atomically (AtomicFiles.commit). {@link #close} without {@link #finish}
 * abandons the output (the caller deletes it). Geometries arrive already in the sink's CRS.
 */
public interface FeatureSink extends AutoCloseable {

    /** Starts a layer; {@code def.crs()} is the target CRS. Single-layer formats accept one layer. */
    void beginLayer(LayerDef def) throws AssetFailure;

    void write(Feature feature) throws AssetFailure;

    void endLayer() throws AssetFailure;

    /** Flushes and completes the file (indexes, headers, counts). */
    void finish() throws AssetFailure;

    @Override
    void close();
}
