package dev.cairn.geo.pipeline;

import java.util.Locale;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Puntal;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * What {@code --on-invalid} does with a geometry that is not valid in the OGC sense (JTS
 * {@link IsValidOp}: self-intersections, unclosed or too-short rings, holes outside shells...).
 *
 * <p>Validity is checked on the geometry as read, in its source CRS, before it is reprojected:
 * the input is what is valid or not. {@code repair} runs JTS's {@link GeometryFixer} on it (which
 * keeps the dimension: a bow-tie polygon becomes a two-part MultiPolygon, a collapsed one an empty
 * polygon) and the repaired geometry is then reprojected like any other.
 *
 * <p>Stateless and thread-safe.
 */
public final class GeometryPolicy {

    /** The choices of {@code --on-invalid}. */
    public enum OnInvalid {
        /** Written as read, reprojected, with no validity check at all (no cost): what ogr2ogr does. The default. */
        KEEP,
        /** Checked; an invalid feature is written as read and recorded (listed by {@code cairn failures}). */
        WARN,
        /** The asset fails (permanent GEOMETRY dead letter) at its first invalid feature. */
        FAIL,
        /** Invalid features are left out and recorded; the asset goes on. */
        SKIP,
        /** Invalid features are repaired and recorded; the asset goes on. */
        REPAIR;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code keep}, {@code warn}, {@code fail}, {@code skip} or {@code repair} (any case). */
        public static OnInvalid parse(String s) {
            for (OnInvalid v : values()) {
                if (v.key().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("'" + s + "' is not one of keep, warn, fail, skip, repair");
        }
    }

    /**
     * The default: geometries are written as read, as ogr2ogr does (real data is full of
     * self-intersecting polygons; failing a whole file for one of them helps nobody).
     */
    public static final OnInvalid DEFAULT = OnInvalid.KEEP;

    /**
     * The policy of a job recorded without {@code --on-invalid}: before {@code keep} existed the
     * default was {@code fail}, and such a job keeps what it was started with.
     */
    public static final OnInvalid LEGACY_DEFAULT = OnInvalid.FAIL;

    /** Thrown for an invalid geometry under {@code fail} or {@code skip}; the caller acts on {@link #onInvalid}. */
    public static final class InvalidGeometryException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidGeometryException(String reason) {
            super(reason, null, false, false);
        }
    }

    private final OnInvalid onInvalid;

    public GeometryPolicy(OnInvalid onInvalid) {
        this.onInvalid = onInvalid;
    }

    public OnInvalid onInvalid() {
        return onInvalid;
    }

    /**
     * The geometry to write for {@code g}: {@code g} itself when valid or under {@code keep} (not
     * even checked); under {@code warn} {@code g} itself with {@code repairs[0]} set to why it is
     * invalid; its repair under {@code repair} (then {@code repairs[0]} is set to the reason);
     * else throws.
     */
    public Geometry apply(Geometry g, String[] repairs) throws InvalidGeometryException {
        if (onInvalid == OnInvalid.KEEP) {
            return g;
        }
        String reason = invalidReason(g);
        if (reason == null) {
            return g;
        }
        if (onInvalid == OnInvalid.WARN) {
            repairs[0] = reason;
            return g;
        }
        if (onInvalid != OnInvalid.REPAIR) {
            throw new InvalidGeometryException(reason);
        }
        Geometry fixed = GeometryFixer.fix(g);
        repairs[0] = reason + "; repaired as " + fixed.getGeometryType()
                + (fixed.isEmpty() ? " EMPTY (it collapsed)" : "");
        return fixed;
    }

    /** "WHERE: invalid geometry (REASON)": what a skipped feature is recorded as. */
    public static String invalid(String where, InvalidGeometryException e) {
        return where + ": invalid geometry (" + e.getMessage() + ")";
    }

    /** The permanent GEOMETRY failure of an invalid feature under {@code fail}. */
    public static dev.cairn.engine.AssetFailure failure(String where, InvalidGeometryException e) {
        return dev.cairn.engine.AssetFailure.permanent(dev.cairn.engine.ErrorClass.GEOMETRY, invalid(where, e)
                + "; --on-invalid skip leaves such features out, --on-invalid repair fixes them");
    }

    /**
     * "WHERE: cannot transform to TARGET (WHY)": a geometry outside the domain of the operation (a
     * pole into Web Mercator). Under {@code skip} the feature is left out and recorded with this
     * message, otherwise {@link #untransformableFailure} fails the asset.
     */
    public static String untransformable(String where, String targetCode, Exception e) {
        String why = e.getMessage() == null ? "no detail" : e.getMessage().replaceAll("\\s+", " ").trim();
        return where + ": cannot transform to " + targetCode + " (" + why + ")";
    }

    /** The permanent GEOMETRY failure of an {@link #untransformable} feature under {@code fail} or {@code repair}. */
    public static dev.cairn.engine.AssetFailure untransformableFailure(String message, Throwable cause) {
        return dev.cairn.engine.AssetFailure.permanent(dev.cairn.engine.ErrorClass.GEOMETRY, message
                + "; --on-invalid skip leaves such features out", cause);
    }

    /** "WHERE: invalid geometry kept as read (WHY)": what a feature kept under {@code warn} is recorded as. */
    public static String keptMessage(String where, String why) {
        return where + ": invalid geometry kept as read (" + why + ")";
    }

    /** "WHERE: invalid geometry repaired (WHAT)": what a repaired feature is recorded as. */
    public static String repairedMessage(String where, String what) {
        return where + ": invalid geometry repaired (" + what + ")";
    }

    /** Why {@code g} is invalid ("Self-intersection at (x y)"), or null when it is valid. */
    public static String invalidReason(Geometry g) {
        if (g == null || g.isEmpty() || g instanceof Puntal && finite(g)) {
            return null; // points are valid when their coordinates are finite (IsValidOp says the same)
        }
        TopologyValidationError e = new IsValidOp(g).getValidationError();
        if (e == null) {
            return null;
        }
        Coordinate c = e.getCoordinate();
        return e.getMessage() + (c == null ? "" : " at (" + c.x + " " + c.y + ")");
    }

    private static boolean finite(Geometry g) {
        for (Coordinate c : g.getCoordinates()) {
            if (!Double.isFinite(c.x) || !Double.isFinite(c.y)) {
                return false;
            }
        }
        return true;
    }
}
