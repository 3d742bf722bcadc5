package dev.cairn.geo.pipeline;

import java.nio.file.Path;

import org.opengis.referencing.crs.CoordinateReferenceSystem;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;

/** {@code --expect-crs}: every source layer must be in this CRS, or its asset fails on CRS. */
public final class ExpectedCrs {
    private ExpectedCrs() {
    }

    /**
     * Throws a permanent CRS failure naming the file, the layer and both CRSs when {@code source}
     * is not {@code expected} (an EPSG code; null: no expectation). CRSs are compared by
     * definition (datum, projection and parameters, axes normalised), not by name, so a .prj in
     * ESRI WKT matches its EPSG code.
     */
    public static void check(CoordinateReferenceSystem source, String expected, Path input, String layer)
            throws AssetFailure {
        if (expected == null) {
            return;
        }
        try {
            if (!CrsResolver.sameDefinition(source, CrsResolver.forCode(expected))) {
                throw AssetFailure.permanent(ErrorClass.CRS, input + ": layer '" + layer + "' is in "
                        + CrsResolver.describe(source) + ", not in " + CrsResolver.canonicalCode(expected)
                        + " as --expect-crs says");
            }
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }
}
