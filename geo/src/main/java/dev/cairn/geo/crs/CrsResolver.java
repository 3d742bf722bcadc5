package dev.cairn.geo.crs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.sis.io.wkt.Convention;
import org.apache.sis.io.wkt.WKTFormat;
import org.apache.sis.referencing.CRS;
import org.apache.sis.util.ComparisonMode;
import org.apache.sis.util.Utilities;
import org.opengis.referencing.operation.MathTransform;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.geometry.Envelope2D;
import org.apache.sis.metadata.iso.extent.DefaultGeographicBoundingBox;
import org.opengis.referencing.operation.TransformException;
import org.apache.sis.referencing.datum.DatumOrEnsemble;
import org.opengis.referencing.datum.Ellipsoid;
import org.apache.sis.referencing.crs.AbstractCRS;
import org.apache.sis.referencing.cs.AxesConvention;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.CoordinateOperation;
import org.opengis.util.FactoryException;
import org.apache.sis.measure.Units;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.datum.PrimeMeridian;

/**
 * Resolves CRS codes with Apache SIS and its embedded EPSG dataset (offline), and finds the
 * coordinate operations between them.
 *
 * <p><b>Axis order.</b> SIS follows the authority: EPSG:4326 is (latitude, longitude). Every
 * CRS this class hands out for computation is normalised to x = east/longitude,
 * y = north/latitude ({@link AxesConvention#RIGHT_HANDED}), the order GeoPackage, GeoJSON,
 * Shapefile and FlatGeobuf store. The WKT for a GeoPackage SRS row ({@link #wkt1(String)}) is
 * written from the authority's definition instead, axes as EPSG declares them, because that WKT
 * describes the CRS, not the storage order (GeoPackage always stores x = longitude).
 *
 * <p><b>Accuracy.</b> Without datum grids, some operations are Helmert-accurate only
 * (WGS 84 → OSGB36 about 2 m, → NAD83 about 4 m); {@link Operation#linearAccuracy()} says so.
 *
 * <p>Thread-safe: all lookups are cached in concurrent maps; the first lookup starts SIS and its
 * Derby-backed EPSG database, which takes one to three seconds — unless every question the run
 * asks was answered in an earlier run ({@link EpsgAnswers}): then Derby is not started at all.
 */
public final class CrsResolver {

    private static final Pattern EPSG_CODE = Pattern.compile("(?i)\\s*EPSG\\s*:\\s*(\\d{1,9})\\s*");
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*(\\d{1,9})\\s*");

    private static final Map<Integer, Entry> BY_CODE = new ConcurrentHashMap<>();
    private static final Map<Pair, Operation> OPERATIONS = new ConcurrentHashMap<>();

    /** Held strongly: java.util.logging forgets the configuration of unreferenced loggers. */
    private static final Logger SIS_OPERATION_LOGGER = Logger.getLogger("org.apache.sis.referencing.operation");

    static {
        quietStartup();
        EpsgAnswers.install(); // the EPSG database's answers of earlier runs: see there
    }

    private CrsResolver() {
    }

    /** A CRS known by code: the authority's definition and the x=east, y=north variant. */
    private record Entry(CoordinateReferenceSystem authority, CoordinateReferenceSystem normalized) {
    }

    /** An operation's cache key; {@code area} is the whole-degree box (west, south, east, north) or null. */
    private record Pair(CoordinateReferenceSystem source, CoordinateReferenceSystem target, List<Double> area,
            boolean allowBallpark) {
    }

    /**
     * A coordinate operation between two normalised CRSs (x = east/longitude), the accuracy EPSG
     * states for it, the domain of its source CRS, and whether it is a ballpark (no datum shift
     * known: see {@link #ballpark}). Thread-safe.
     */
    public static final class Operation {
        private final CoordinateOperation operation;
        private final MathTransform transform;
        private final CoordinateReferenceSystem source;
        private final CoordinateReferenceSystem target;
        private final double linearAccuracy;
        private final CrsDomain sourceDomain;
        private final String ballpark;
        private volatile MathTransform withHeights;
        private volatile boolean heightsLookedUp;

        Operation(CoordinateOperation operation, double linearAccuracy) {
            this(operation, operation.getMathTransform(), operation.getSourceCRS(), operation.getTargetCRS(),
                    linearAccuracy, null);
        }

        private Operation(CoordinateOperation operation, MathTransform transform, CoordinateReferenceSystem source,
                CoordinateReferenceSystem target, double linearAccuracy, String ballpark) {
            this.operation = operation;
            this.transform = transform;
            this.source = source;
            this.target = target;
            this.linearAccuracy = linearAccuracy;
            this.sourceDomain = CrsDomain.of(source);
            this.ballpark = ballpark;
        }

        /** The horizontal transform (x = east, y = north on both sides); thread-safe. */
        public MathTransform transform() {
            return transform;
        }

        /** In metres; 0 for exact conversions, NaN when unknown (a ballpark). */
        public double linearAccuracy() {
            return linearAccuracy;
        }

        /** Where the source CRS's coordinates can lie at all, or null when it has no such bound. */
        public CrsDomain sourceDomain() {
            return sourceDomain;
        }

        /**
         * Null for an operation EPSG knows; for a ballpark ({@code --allow-ballpark}), the warning
         * to give once per layer: which datums, what was done, the error it may carry.
         */
        public String ballpark() {
            return ballpark;
        }

        /**
         * The operation on (x, y, ellipsoidal height), or null when heights do not matter; see
         * {@link #withEllipsoidalHeights}. Looked up on first call, not before: finding it
         * searches the EPSG database for seconds, which only geometries with Z need. A ballpark
         * keeps latitude and longitude whatever the height: null.
         */
        public MathTransform withHeights() {
            if (!heightsLookedUp) {
                synchronized (this) {
                    if (!heightsLookedUp) {
                        withHeights = operation == null ? null : withEllipsoidalHeights(operation);
                        heightsLookedUp = true;
                    }
                }
            }
            return withHeights;
        }

        /** True when coordinates do not change (same CRS on both sides). */
        public boolean isIdentity() {
            return transform.isIdentity();
        }

        /** A short description for reports, e.g. {@code "WGS 84 → CH1903+ / LV95 (±1 m)"}. */
        public String describe() {
            String acc = ballpark != null ? "ballpark, no datum shift"
                    : Double.isNaN(linearAccuracy) ? "accuracy unknown"
                    : linearAccuracy == 0 ? "exact" : "±" + formatMetres(linearAccuracy) + " m";
            return name(source) + " → " + name(target) + " (" + acc + ")";
        }

        private static String name(CoordinateReferenceSystem crs) {
            return crs == null ? "?" : crs.getName().getCode();
        }

        private static String formatMetres(double m) {
            return m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m);
        }
    }

    /**
     * Returns {@code code} in canonical form ({@code "EPSG:4326"}), so that two spellings of one
     * CRS give one job fingerprint. Does not check that the code exists; {@link #forCode} does.
     */
    public static String canonicalCode(String code) throws CrsException {
        return "EPSG:" + epsgNumber(code);
    }

    /**
     * Resolves an EPSG code such as {@code EPSG:4326} or {@code epsg:32632} to a CRS with
     * x = east/longitude and y = north/latitude.
     */
    public static CoordinateReferenceSystem forCode(String code) throws CrsException {
        return entry(epsgNumber(code), code).normalized();
    }

    /**
     * The OGC WKT 1 of the CRS with this code, on one line, as the {@code definition} of a
     * GeoPackage {@code gpkg_spatial_ref_sys} row. GDAL reads it (checked with ogrinfo for
     * EPSG:4326, 3857, 2056, 32632).
     */
    public static String wkt1(String code) throws CrsException {
        Entry e = entry(epsgNumber(code), code);
        WKTFormat format = new WKTFormat();
        format.setConvention(Convention.WKT1);
        format.setIndentation(WKTFormat.SINGLE_LINE);
        return format.format(e.authority());
    }

    /** The name EPSG gives the CRS with this code, e.g. {@code "CH1903+ / LV95"}. */
    public static String name(String code) throws CrsException {
        return entry(epsgNumber(code), code).authority().getName().getCode();
    }

    /**
     * Parses a WKT (1 or 2) definition, as found in a GeoPackage SRS row or a {@code .prj} file,
     * and normalises it to x = east/longitude.
     */
    public static CoordinateReferenceSystem fromWkt(String wkt) throws CrsException {
        try {
            return normalize(CRS.fromWKT(wkt));
        } catch (FactoryException | RuntimeException e) {
            throw new CrsException("Cannot read the CRS definition '" + abbreviate(wkt) + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Finds (and caches) the operation transforming the horizontal coordinates of
     * {@code source} to {@code target}. Both should come from this class (normalised axes).
     * Vertical components are dropped: heights are carried through unchanged by the callers.
     */
    public static Operation operation(CoordinateReferenceSystem source, CoordinateReferenceSystem target)
            throws CrsException {
        return operation(source, target, null);
    }

    /**
     * {@link #operation(CoordinateReferenceSystem, CoordinateReferenceSystem)} for data within
     * {@code extent} (minX, minY, maxX, maxY in {@code source}; null when unknown). Geodesy trap:
     * EPSG often has several transformations between two datums, each for its own area (NAD27 to
     * WGS 84: EPSG:1172 for Canada, 1173 for the conterminous US, 8-10 m apart); without an area
     * SIS picks one for the whole datum. The area given is the data's, widened to whole degrees so
     * that the files of one region share one cached operation.
     */
    public static Operation operation(CoordinateReferenceSystem source, CoordinateReferenceSystem target, double[] extent)
            throws CrsException {
        return operation(source, target, extent, false);
    }

    /**
     * {@link #operation(CoordinateReferenceSystem, CoordinateReferenceSystem, double[])}; with
     * {@code allowBallpark}, a datum change EPSG knows no shift for is done as PROJ's ballpark
     * ({@link #ballpark}) instead of being refused.
     */
    public static Operation operation(CoordinateReferenceSystem source, CoordinateReferenceSystem target, double[] extent,
            boolean allowBallpark) throws CrsException {
        CoordinateReferenceSystem s = horizontal(source);
        CoordinateReferenceSystem t = horizontal(target);
        DefaultGeographicBoundingBox area = areaOf(s, extent);
        Pair key = new Pair(source, target, area == null ? null : List.of(area.getWestBoundLongitude(),
                area.getSouthBoundLatitude(), area.getEastBoundLongitude(), area.getNorthBoundLatitude()), allowBallpark);
        Operation cached = OPERATIONS.get(key);
        if (cached != null) {
            return cached;
        }
        Operation result;
        try {
            CoordinateOperation op = CRS.findOperation(s, t, area);
            double accuracy = CRS.getLinearAccuracy(op);
            String unknownShift = unknownDatumShift(s, t, accuracy);
            if (unknownShift == null) {
                result = new Operation(op, accuracy);
            } else if (allowBallpark) {
                result = ballpark(s, t, unknownShift);
            } else {
                throw new CrsException(unknownShift + ". The input's CRS matches no EPSG definition: declare it by its"
                        + " EPSG code (a .prj or SRS row naming e.g. EPSG:4267 for NAD27), or pass --allow-ballpark to"
                        + " convert it without a datum shift (latitude and longitude kept, as PROJ's ballpark)", null);
            }
        } catch (FactoryException | RuntimeException e) {
            throw new CrsException("No coordinate operation from " + s.getName().getCode() + " to "
                    + t.getName().getCode() + ": " + e.getMessage(), e);
        }
        Operation previous = OPERATIONS.putIfAbsent(key, result);
        return previous != null ? previous : result;
    }

    /** The geographic box around {@code extent} in {@code crs}, widened to whole degrees, or null. */
    private static DefaultGeographicBoundingBox areaOf(CoordinateReferenceSystem crs, double[] extent) {
        if (extent == null || extent.length != 4 || !(extent[0] <= extent[2] && extent[1] <= extent[3])
                || !Double.isFinite(extent[0] + extent[1] + extent[2] + extent[3])) {
            return null;
        }
        try {
            DefaultGeographicBoundingBox box = new DefaultGeographicBoundingBox();
            box.setBounds(new Envelope2D(crs, extent[0], extent[1], extent[2] - extent[0], extent[3] - extent[1]));
            double w = Math.max(-180, Math.floor(box.getWestBoundLongitude()));
            double e = Math.min(180, Math.ceil(box.getEastBoundLongitude()));
            double so = Math.max(-90, Math.floor(box.getSouthBoundLatitude()));
            double n = Math.min(90, Math.ceil(box.getNorthBoundLatitude()));
            if (!(w <= e && so <= n)) {
                return null;
            }
            return new DefaultGeographicBoundingBox(w, e, so, n);
        } catch (TransformException | RuntimeException e) {
            return null; // an extent outside the CRS's domain: choose as if unknown
        }
    }

    /** The accuracy SIS states for an operation that changes the datum without a known shift. */
    private static final double DATUM_SHIFT_OMITTED = 3000;

    /** Semi-axes that differ by less than this are the same ellipsoid for {@link #unknownDatumShift}. */
    private static final double SAME_ELLIPSOID_M = 1;

    /**
     * Why an operation between two datums that EPSG knows no transformation for must not be done
     * as SIS proposes, or null when it may. Such a pair arises from a CRS read from a .prj or
     * GeoPackage SRS that matches no EPSG code, on an old datum such as NAD27 on Clarke 1866. SIS
     * then only changes the ellipsoid through geocentric coordinates (its stated accuracy: 3 km):
     * coordinates move by up to a few hundred metres, silently, in a direction unrelated to the
     * real datum shift. PROJ keeps latitude and longitude ("ballpark"), which is not right either
     * but is what GDAL users get and know: {@code --allow-ballpark} asks for it
     * ({@link #ballpark}). A datum on an ellipsoid within 1 m of the target's (GRS 80 against
     * WGS 84) is let through: there both keep latitude and longitude, and the error is the
     * (metre-sized) datum shift itself.
     */
    private static String unknownDatumShift(CoordinateReferenceSystem s, CoordinateReferenceSystem t, double accuracy) {
        if (!(accuracy >= DATUM_SHIFT_OMITTED)) {
            return null;
        }
        Ellipsoid a = DatumOrEnsemble.getEllipsoid(s).orElse(null);
        Ellipsoid b = DatumOrEnsemble.getEllipsoid(t).orElse(null);
        if (a == null || b == null || (Math.abs(a.getSemiMajorAxis() - b.getSemiMajorAxis()) < SAME_ELLIPSOID_M
                && Math.abs(a.getSemiMinorAxis() - b.getSemiMinorAxis()) < SAME_ELLIPSOID_M)) {
            return null;
        }
        return "no datum transformation is known from " + describe(s) + " (ellipsoid " + a.getName().getCode()
                + ") to " + describe(t) + ": converting would move every coordinate by up to a few hundred metres";
    }

    /**
     * PROJ's "ballpark geographic offset": the source's latitude and longitude are taken as the
     * target datum's, unchanged, only the prime meridian's offset applied. For a projected CRS
     * on either side its own projection (on its own ellipsoid) is undone or applied around that:
     *
     * <pre>
     *   source ──(inverse projection, source ellipsoid)──▶ λ, φ on the source datum (degrees)
     *          ──(λ + Greenwich longitude of the source's prime meridian − the target's)──▶
     *          λ, φ taken as on the target datum ──(target projection, target ellipsoid)──▶ target
     * </pre>
     *
     * What this omits is the datum shift itself, unknown here: typically tens to hundreds of
     * metres. That is what the warning says; it is given once per layer and recorded with the
     * asset.
     */
    private static Operation ballpark(CoordinateReferenceSystem s, CoordinateReferenceSystem t, String why)
            throws FactoryException {
        GeographicCRS sourceGeo = baseGeographic(s);
        GeographicCRS targetGeo = baseGeographic(t);
        if (sourceGeo == null || targetGeo == null) {
            throw new FactoryException(why + "; and no ballpark is possible between these kinds of CRS");
        }
        CoordinateReferenceSystem sourceDegrees = degrees(sourceGeo);
        CoordinateReferenceSystem targetDegrees = degrees(targetGeo);
        double offset = greenwichDegrees(sourceGeo) - greenwichDegrees(targetGeo);
        MathTransform transform = MathTransforms.concatenate(
                CRS.findOperation(s, sourceDegrees, null).getMathTransform(),
                MathTransforms.linear(new org.apache.sis.referencing.operation.matrix.Matrix3(1, 0, offset, 0, 1, 0, 0, 0, 1)),
                CRS.findOperation(targetDegrees, t, null).getMathTransform());
        String warning = why.replace(": converting would move every coordinate by up to a few hundred metres", "")
                + ": converted with --allow-ballpark, latitude and longitude kept (PROJ's ballpark); every coordinate"
                + " may be off by the datum shift this omits, typically tens to hundreds of metres";
        return new Operation(null, transform, s, t, Double.NaN, warning);
    }

    /** The geographic CRS a geographic or projected CRS is based on, or null for other kinds. */
    private static GeographicCRS baseGeographic(CoordinateReferenceSystem crs) {
        if (crs instanceof GeographicCRS g) {
            return g;
        }
        if (crs instanceof ProjectedCRS p) {
            return p.getBaseCRS();
        }
        return null;
    }

    /** {@code crs} with (longitude, latitude) in degrees; the datum and its prime meridian unchanged. */
    private static CoordinateReferenceSystem degrees(GeographicCRS crs) {
        return AbstractCRS.castOrCopy(crs).forConvention(AxesConvention.NORMALIZED);
    }

    /** Greenwich longitude of {@code crs}'s prime meridian in degrees (a datum ensemble has no datum: asked of the CRS). */
    private static double greenwichDegrees(GeographicCRS crs) {
        PrimeMeridian pm = DatumOrEnsemble.getPrimeMeridian(crs).orElse(null);
        return pm == null ? 0 : pm.getAngularUnit().getConverterTo(Units.DEGREE).convert(pm.getGreenwichLongitude());
    }

    /**
     * The same operation on (x, y, h) with h taken as an ellipsoidal height, or null when the
     * operation does not depend on heights or cannot be built.
     *
     * <p>Geodesy trap: a datum shift done through geocentric coordinates (Helmert) moves x and y
     * by about 2–3e-5 of the height. PROJ (hence GDAL's ogr2ogr) feeds a point's z into that
     * shift even between 2D CRSs, while a 2D operation assumes h = 0: for a point 450 m up,
     * EPSG:2056 → 4326 differs by ~1.5 cm. Geometries with Z use this transform so cairn agrees
     * with PROJ; their z values are still written unchanged, as ogr2ogr does.
     */
    private static MathTransform withEllipsoidalHeights(CoordinateOperation horizontalOp) {
        if (horizontalOp.getMathTransform().isIdentity()) {
            return null;
        }
        CoordinateReferenceSystem s = horizontalOp.getSourceCRS();
        CoordinateReferenceSystem t = horizontalOp.getTargetCRS();
        try {
            CoordinateReferenceSystem s3 = CRS.compound(s, CommonCRS.Vertical.ELLIPSOIDAL.crs());
            CoordinateReferenceSystem t3 = CRS.compound(t, CommonCRS.Vertical.ELLIPSOIDAL.crs());
            MathTransform mt = CRS.findOperation(s3, t3, null).getMathTransform();
            return mt.getSourceDimensions() == 3 && mt.getTargetDimensions() == 3 ? mt : null;
        } catch (FactoryException | RuntimeException e) {
            return null; // heights then do not take part, as for 2D geometries
        }
    }

    /**
     * True when {@code a} and {@code b} define the same CRS up to metadata and rounding (names,
     * identifiers, tiny differences in parameters as written by other software do not count);
     * both should come from this class (normalised axes).
     */
    public static boolean sameDefinition(CoordinateReferenceSystem a, CoordinateReferenceSystem b) {
        return Utilities.deepEquals(a, b, ComparisonMode.APPROXIMATE);
    }

    /** "EPSG:32633 (WGS 84 / UTM zone 33N)" when the CRS carries an EPSG code, else its name. */
    public static String describe(CoordinateReferenceSystem crs) {
        String name = crs.getName().getCode();
        for (var id : crs.getIdentifiers()) {
            if ("EPSG".equalsIgnoreCase(id.getCodeSpace())) {
                return "EPSG:" + id.getCode() + " (" + name + ")";
            }
        }
        return "'" + name + "'";
    }

    private static CoordinateReferenceSystem horizontal(CoordinateReferenceSystem crs) throws CrsException {
        CoordinateReferenceSystem h = CRS.getHorizontalComponent(crs);
        if (h == null) {
            throw new CrsException("The CRS '" + crs.getName().getCode() + "' has no horizontal component.");
        }
        return h;
    }

    private static Entry entry(int number, String asGiven) throws CrsException {
        Entry e = BY_CODE.get(number);
        if (e != null) {
            return e;
        }
        CoordinateReferenceSystem crs;
        try {
            crs = CRS.forCode("EPSG:" + number);
        } catch (org.opengis.referencing.NoSuchAuthorityCodeException ex) {
            throw new CrsException("Unknown CRS code '" + asGiven.trim() + "': not in the EPSG dataset. "
                    + "Use a code like EPSG:4326.", ex);
        } catch (FactoryException | RuntimeException ex) {
            throw new CrsException("Cannot resolve CRS code '" + asGiven.trim() + "': " + ex.getMessage(), ex);
        }
        e = new Entry(crs, normalize(crs));
        Entry previous = BY_CODE.putIfAbsent(number, e);
        return previous != null ? previous : e;
    }

    private static CoordinateReferenceSystem normalize(CoordinateReferenceSystem crs) {
        return AbstractCRS.castOrCopy(crs).forConvention(AxesConvention.RIGHT_HANDED);
    }

    private static int epsgNumber(String code) throws CrsException {
        if (code == null || code.isBlank()) {
            throw new CrsException("Missing CRS code. Use a code like EPSG:4326.");
        }
        Matcher m = EPSG_CODE.matcher(code);
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        Matcher bare = BARE_NUMBER.matcher(code);
        if (bare.matches()) {
            throw new CrsException("Ambiguous CRS code '" + code.trim() + "': write EPSG:" + bare.group(1) + ".");
        }
        throw new CrsException("Unsupported CRS code '" + code.trim() + "': only EPSG codes are accepted. "
                + "Use a code like EPSG:4326.");
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    /**
     * Keeps SIS's first use quiet: Derby (the embedded EPSG database) would create a
     * {@code derby.log} in the working directory, and SIS warns that {@code SIS_DATA} is unset,
     * which only matters for datum-shift grids we do not use. Both go nowhere unless the user
     * configured them. Nothing of SIS is written to stdout.
     */
    private static void quietStartup() {
        if (System.getProperty("derby.stream.error.file") == null
                && System.getProperty("derby.stream.error.field") == null
                && System.getProperty("derby.stream.error.method") == null) {
            boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
            System.setProperty("derby.stream.error.file", windows ? "NUL" : "/dev/null");
        }
        SIS_OPERATION_LOGGER.setFilter(r -> r.getMessage() == null || !r.getMessage().contains("SIS_DATA"));
    }
}
