package dev.cairn.geo.pipeline;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsDomain;
import java.util.function.Supplier;
import org.locationtech.jts.geom.Geometry;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * A CRS declaration that lies fails its asset as a CRS error: coordinates outside the domain of
 * the CRS the file declares (see {@link CrsDomain} for the trap and the bounds). Checked twice:
 * on the extent the header declares (a Shapefile's or FlatGeobuf's header, {@code gpkg_contents}),
 * before anything is written, then on every geometry as read, before the validity check and the
 * transformation — so that {@code --on-invalid skip} or {@code repair} never turns a wrong
 * declaration into plausible-looking output.
 */
public final class OutsideCrs {
    private OutsideCrs() {
    }

    /** Fails when {@code extent} (minX, minY, maxX, maxY) lies outside {@code source}'s domain. */
    public static void checkExtent(CoordinateReferenceSystem source, double[] extent, String where) throws AssetFailure {
        CrsDomain domain = CrsDomain.of(source);
        String outside = domain == null ? null : domain.firstOutsideExtent(extent);
        if (outside != null) {
            throw AssetFailure.permanent(ErrorClass.CRS, where + ": the declared extent has " + domain.message(outside));
        }
    }

    /**
     * Fails when a coordinate of {@code g} lies outside {@code domain} (null: no check), naming the
     * feature by {@code where} (asked for only then: this runs for every feature).
     */
    public static void checkGeometry(CrsDomain domain, Geometry g, Supplier<String> where) throws AssetFailure {
        if (domain == null) {
            return;
        }
        String outside = domain.firstOutside(g);
        if (outside != null) {
            throw AssetFailure.permanent(ErrorClass.CRS, where.get() + ": " + domain.message(outside));
        }
    }
}
