package dev.cairn.geo.crs;

import javax.measure.IncommensurableException;
import javax.measure.Unit;

import org.apache.sis.measure.Units;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.cs.CoordinateSystem;

/**
 * Where coordinates of a CRS can lie at all: the guard against a CRS declaration that lies.
 *
 * <p><b>The trap.</b> A Shapefile in UTM metres whose {@code .prj} says WGS 84 (a copied
 * {@code .prj}, a tool that wrote the wrong one) is read as longitudes of 430016°. No datum
 * operation objects: SIS and PROJ wrap or pass such values through, and the output is garbage
 * labelled EPSG:4326 — or, when the target is the source CRS, the metres copied verbatim under
 * a geographic label. A real longitude or latitude cannot be that large, so such coordinates
 * prove the declaration wrong, and the asset fails as a CRS error naming the first coordinate
 * outside and the CRS it claims:
 * {@code coordinates outside the declared CRS WGS 84: x=430016.2}.
 *
 * <p><b>The domains.</b> Deliberately loose, so that no real data is refused:
 * <ul>
 *   <li>geographic: latitude within ±90°, longitude within ±360° (data in 0–360° longitudes, as
 *       Pacific-centred datasets store them, is legitimate and GDAL converts it);</li>
 *   <li>projected: every coordinate within ±10⁸ m of the origin. The equator is 4·10⁷ m long,
 *       so no projection of the Earth (false eastings and northings included) gets near it;
 *       values beyond are sentinels or a unit lie (e.g. millimetres declared as metres).</li>
 * </ul>
 * The bounds are converted into the axis units the CRS declares (grads, US feet, ...). A CRS of
 * another kind (engineering, geocentric) has no domain here. The check is on the source CRS,
 * before any validity check or transformation, both on the extent a header declares (fast, fails
 * before anything is written) and on every coordinate read.
 *
 * <p>Immutable and thread-safe.
 */
public final class CrsDomain {
    /** Metres from the origin that no projected coordinate of the Earth reaches. */
    static final double PROJECTED_LIMIT_M = 1e8;
    static final double LONGITUDE_LIMIT_DEG = 360;
    static final double LATITUDE_LIMIT_DEG = 90;
    /** Rounding slack on the latitude limit (about 1 mm), so that -90.0000000001 is a pole. */
    private static final double LATITUDE_SLACK_DEG = 1e-8;

    private final String claimed;
    private final String rule;
    private final String xName;
    private final String yName;
    private final double xLimit;
    private final double yLimit;

    private CrsDomain(String claimed, String rule, String xName, double xLimit, String yName, double yLimit) {
        this.claimed = claimed;
        this.rule = rule;
        this.xName = xName;
        this.xLimit = xLimit;
        this.yName = yName;
        this.yLimit = yLimit;
    }

    /**
     * The domain of {@code crs} with axes normalised as {@link CrsResolver} hands them out
     * (x = east/longitude); null when the CRS is of a kind without one or its units are unknown.
     */
    public static CrsDomain of(CoordinateReferenceSystem crs) {
        if (crs == null) {
            return null;
        }
        CoordinateReferenceSystem h = org.apache.sis.referencing.CRS.getHorizontalComponent(crs);
        if (h == null || h.getCoordinateSystem().getDimension() != 2) {
            return null;
        }
        CoordinateSystem cs = h.getCoordinateSystem();
        Unit<?> xUnit = cs.getAxis(0).getUnit();
        Unit<?> yUnit = cs.getAxis(1).getUnit();
        String name = h.getName().getCode();
        try {
            if (h instanceof GeographicCRS) {
                return new CrsDomain(name, "a longitude lies within ±360°, a latitude within ±90°", "x", convert(LONGITUDE_LIMIT_DEG, Units.DEGREE, xUnit),
                        "y", convert(LATITUDE_LIMIT_DEG + LATITUDE_SLACK_DEG, Units.DEGREE, yUnit));
            }
            if (h instanceof ProjectedCRS) {
                return new CrsDomain(name, "no projected coordinate of the Earth exceeds 10^8 m", "x", convert(PROJECTED_LIMIT_M, Units.METRE, xUnit),
                        "y", convert(PROJECTED_LIMIT_M, Units.METRE, yUnit));
            }
        } catch (IncommensurableException | RuntimeException e) {
            return null; // units we cannot compare: no check rather than a wrong one
        }
        return null;
    }

    private static double convert(double value, Unit<?> from, Unit<?> to) throws IncommensurableException {
        return from.getConverterToAny(to).convert(value);
    }

    /** The name of the CRS the data claims, as messages say it ("WGS 84"). */
    public String claimed() {
        return claimed;
    }

    /**
     * Header values at least this large are "no extent" sentinels (±DBL_MAX in the header of an
     * empty Shapefile from some writers), not coordinates: the features are checked instead.
     */
    private static final double SENTINEL = 1e300;

    /**
     * The first coordinate of {@code extent} (minX, minY, maxX, maxY, as headers declare it)
     * outside the domain, as {@code "x=430016.2"}, or null when it is inside, not finite or a
     * sentinel (an empty layer's extent says nothing).
     */
    public String firstOutsideExtent(double[] extent) {
        if (extent == null || extent.length < 4) {
            return null;
        }
        for (double v : extent) {
            if (!Double.isFinite(v) || Math.abs(v) >= SENTINEL) {
                return null;
            }
        }
        for (int i = 0; i < 4; i += 2) {
            String outside = firstOutside(extent[i], extent[i + 1]);
            if (outside != null) {
                return outside;
            }
        }
        return null;
    }

    /** The first coordinate of {@code g} outside the domain ({@code "y=-4500000.5"}), or null. */
    public String firstOutside(Geometry g) {
        if (g == null || g.isEmpty()) {
            return null;
        }
        if (g instanceof Point p) {
            return firstOutside(p.getCoordinateSequence());
        }
        if (g instanceof LineString l) {
            return firstOutside(l.getCoordinateSequence());
        }
        if (g instanceof Polygon p) {
            String outside = firstOutside(p.getExteriorRing().getCoordinateSequence());
            for (int i = 0; outside == null && i < p.getNumInteriorRing(); i++) {
                outside = firstOutside(p.getInteriorRingN(i).getCoordinateSequence());
            }
            return outside;
        }
        if (g instanceof GeometryCollection c) {
            for (int i = 0; i < c.getNumGeometries(); i++) {
                String outside = firstOutside(c.getGeometryN(i));
                if (outside != null) {
                    return outside;
                }
            }
        }
        return null;
    }

    private String firstOutside(CoordinateSequence seq) {
        for (int i = 0, n = seq.size(); i < n; i++) {
            String outside = firstOutside(seq.getX(i), seq.getY(i));
            if (outside != null) {
                return outside;
            }
        }
        return null;
    }

    /** NaN passes: an empty point's coordinates are NaN, and NaN is not a claim about the CRS. */
    private String firstOutside(double x, double y) {
        if (Math.abs(x) > xLimit) {
            return xName + "=" + x;
        }
        if (Math.abs(y) > yLimit) {
            return yName + "=" + y;
        }
        return null;
    }

    /**
     * "coordinates outside the declared CRS WGS 84: x=430016.2 (a longitude lies within ±360°, a
     * latitude within ±90°): the file's CRS declaration is wrong; correct it (.prj, SRS) to the CRS
     * the coordinates are in".
     */
    public String message(String outside) {
        return "coordinates outside the declared CRS " + claimed + ": " + outside + " (" + rule
                + "): the file's CRS declaration is wrong; correct it (.prj, SRS) to the CRS the coordinates are in";
    }

    @Override
    public String toString() {
        return "CrsDomain[" + claimed + ": |x| <= " + xLimit + ", |y| <= " + yLimit + "]";
    }
}
