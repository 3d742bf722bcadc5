package dev.cairn.geo.gpkg;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;

/**
 * A GeoPackage read as a {@link FeatureSource} that also reads a layer by fid range, as the fid
 * chunks of a huge layer are planned ({@link dev.cairn.geo.format.ChunkSpec}, {@link FidRangePlanner}):
 * cursors over adjacent ranges together yield, in fid order, exactly the features of the whole
 * layer's cursor. Opened by {@link GpkgProvider#open}.
 */
public interface FidRangeSource extends FeatureSource {

    /** The features of layer {@code index} whose fid is in {@code [from, to)} (a null bound is open), by fid. */
    FeatureCursor cursorByFid(int index, Long from, Long to) throws AssetFailure;

    /** How many features of layer {@code index} have a fid in {@code [from, to)}. */
    long countByFid(int index, Long from, Long to) throws AssetFailure;
}
