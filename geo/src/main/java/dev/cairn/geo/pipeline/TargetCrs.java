package dev.cairn.geo.pipeline;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * The CRS a conversion writes: its canonical code ({@code EPSG:4326}) and the CRS, normalised to
 * x = longitude/easting as every output stores it.
 */
public record TargetCrs(String code, CoordinateReferenceSystem crs) {

    /** Resolves {@code --to}; a code that does not resolve is a permanent CRS failure of the asset. */
    public static TargetCrs of(String code) throws AssetFailure {
        try {
            String canonical = CrsResolver.canonicalCode(code);
            return new TargetCrs(canonical, CrsResolver.forCode(canonical));
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }
}
