package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sis.measure.Units;
import org.apache.sis.io.wkt.Convention;
import org.apache.sis.io.wkt.WKTFormat;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.IdentifiedObjects;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.util.FactoryException;

/**
 * Reads and writes the .prj sidecar: one WKT 1 CRS definition.
 *
 * <p>CRS trap: a .prj is usually ESRI-flavoured WKT 1 ({@code GEOGCS["GCS_WGS_1984",
 * DATUM["D_WGS_1984", ...]]}, no AUTHORITY, no AXIS), not OGC WKT 1. Its EPSG code is found by
 * ESRI's name of the CRS first ({@link EsriNames}, as GDAL does), else by comparing the
 * definition SIS parsed with the EPSG dataset ({@link IdentifiedObjects#lookupEPSG}), which costs
 * a few milliseconds per CRS after SIS has started (results are cached per WKT text). Axes are
 * x = east as in every shapefile.
 *
 * <p>Written: the EPSG definition as WKT 1 with "common units" (angles in degrees in PRIMEM and
 * PARAMETER, the convention GDAL and Esri use), on one line, with its AUTHORITY. GDAL 3.6 reads
 * it back with the right EPSG code (checked for EPSG:4326, 2056, 32632, 3857, 27700).
 */
final class PrjCodec {
    private PrjCodec() {
    }

    /** A parsed .prj: the normalised CRS and its EPSG code, or null when none matches. */
    record Prj(CoordinateReferenceSystem crs, String code) {
    }

    private static final Map<String, Prj> CACHE = new ConcurrentHashMap<>();

    static Prj parse(String prjName, byte[] content) throws AssetFailure {
        String wkt = new String(content, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
        Prj cached = CACHE.get(wkt);
        if (cached != null) {
            return cached;
        }
        Prj named = EsriNames.identify(wkt);
        if (named != null) {
            CACHE.putIfAbsent(wkt, named);
            return named;
        }
        CoordinateReferenceSystem crs;
        try {
            crs = CrsResolver.fromWkt(wkt);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, prjName + ": not a CRS definition SIS can read ("
                    + e.getMessage() + "). Fix or delete the .prj and give the CRS with --assume-crs.", e);
        }
        String code = null;
        try {
            Integer epsg = lookup(wkt, crs);
            if (epsg != null) {
                code = "EPSG:" + epsg;
                crs = CrsResolver.forCode(code);
            }
        } catch (FactoryException | CrsException | RuntimeException e) {
            code = null; // keep the parsed definition; it is usable without a code
        }
        Prj prj = new Prj(crs, code);
        CACHE.putIfAbsent(wkt, prj);
        return prj;
    }

    /**
     * Datums a .prj names by their ESRI names ({@code D_North_American_1927}), which the EPSG
     * dataset does not know as aliases: without the match, a CRS on such a datum has no EPSG
     * code and SIS finds no datum shift for it (NAD27 data then moved by about 230 m; the ballpark
     * operation is refused since, see CrsResolver). A geographic CRS on Greenwich in degrees is the
     * datum's geographic code; a projected one is searched again with the datum renamed to its
     * EPSG name. WGS 84 and ETRS89 are ensembles in EPSG, which SIS 1.6 does not equate with a
     * plain datum of that name, so their search would fail even under the EPSG name.
     */
    private record KnownDatum(Pattern esriNames, String epsgName, int geographicCode) {
    }

    private static final List<KnownDatum> KNOWN_DATUMS = List.of(
            new KnownDatum(Pattern.compile("(?i)(D_)?WGS_?(19)?84|World Geodetic System 1984"),
                    "World Geodetic System 1984 ensemble", 4326),
            new KnownDatum(Pattern.compile("(?i)(D_)?ETRS_?(19)?89|European Terrestrial Reference System 1989"),
                    "European Terrestrial Reference System 1989 ensemble", 4258),
            new KnownDatum(Pattern.compile("(?i)D_North_American_1927|North_American_Datum_1927"),
                    "North American Datum 1927", 4267),
            new KnownDatum(Pattern.compile("(?i)D_North_American_1983|North_American_Datum_1983"),
                    "North American Datum 1983", 4269),
            new KnownDatum(Pattern.compile("(?i)D_North_American_1983_HARN|NAD83_High_Accuracy_Reference_Network"),
                    "NAD83 (High Accuracy Reference Network)", 4152),
            new KnownDatum(Pattern.compile("(?i)D_NAD_1983_2011|NAD83_National_Spatial_Reference_System_2011"),
                    "NAD83 (National Spatial Reference System 2011)", 6318),
            new KnownDatum(Pattern.compile("(?i)D_OSGB_1936|OSGB_1936"), "Ordnance Survey of Great Britain 1936", 4277),
            new KnownDatum(Pattern.compile("(?i)D_European_1950|European_Datum_1950"), "European Datum 1950", 4230),
            new KnownDatum(Pattern.compile("(?i)D_GDA_1994|Geocentric_Datum_of_Australia_1994"),
                    "Geocentric Datum of Australia 1994", 4283),
            new KnownDatum(Pattern.compile("(?i)D_Tokyo"), "Tokyo", 4301),
            new KnownDatum(Pattern.compile("(?i)D_South_American_1969|South_American_Datum_1969"),
                    "South American Datum 1969", 4618),
            new KnownDatum(Pattern.compile("(?i)D_SIRGAS_2000|SIRGAS_2000"),
                    "Sistema de Referencia Geocentrico para las AmericaS 2000", 4674));

    private static final Pattern DATUM_NAME = Pattern.compile("DATUM\\s*\\[\\s*\"([^\"]*)\"");

    /** The EPSG code of a parsed .prj; datums known by their ESRI names first (their plain search fails). */
    private static Integer lookup(String wkt, CoordinateReferenceSystem crs) throws FactoryException {
        Matcher m = DATUM_NAME.matcher(wkt);
        if (!m.find()) {
            return IdentifiedObjects.lookupEPSG(crs);
        }
        for (KnownDatum d : KNOWN_DATUMS) {
            if (!d.esriNames().matcher(m.group(1)).matches()) {
                continue;
            }
            if (crs instanceof GeographicCRS g && g.getCoordinateSystem().getDimension() == 2
                    && g.getDatum() != null && g.getDatum().getPrimeMeridian().getGreenwichLongitude() == 0
                    && Units.DEGREE.equals(g.getCoordinateSystem().getAxis(0).getUnit())) {
                return d.geographicCode();
            }
            String renamed = wkt.substring(0, m.start(1)) + d.epsgName() + wkt.substring(m.end(1));
            Integer epsg = IdentifiedObjects.lookupEPSG(CRS.fromWKT(renamed));
            if (epsg != null) {
                return epsg;
            }
        }
        return IdentifiedObjects.lookupEPSG(crs);
    }

    /**
     * ESRI's names of EPSG CRSs ({@code NTF_Paris_Lambert_Zone_II} is EPSG:27572), from PROJ's
     * {@code proj.db} ({@code esri-names.tsv}, regenerated by {@code scripts/esri-names.sh}): how
     * GDAL identifies a .prj, and the only way for the .prj files SIS cannot read right.
     *
     * <p>CRS trap: the ESRI dialect states a PRIMEM in degrees but projection parameters in the
     * GEOGCS unit, and encodes Lambert 1SP as {@code Lambert_Conformal_Conic} with one standard
     * parallel and a scale factor. SIS, reading by OGC 01-009, puts Paris at 2.10° east (17 km
     * off) or takes 52 grads as 52°, and makes a 2SP Lambert with a missing parallel: every .prj
     * of French NTF data came out refused or wrong, where ogr2ogr applies the NTF datum shift.
     *
     * <p>A name is trusted only when the .prj's SPHEROID has the EPSG definition's semi-major axis
     * (within 1 m), so that a custom CRS that kept a known name is still read from its definition.
     * Names that stand for several EPSG codes are not in the table.
     */
    static final class EsriNames {
        private static final Pattern TOP = Pattern.compile("^\\s*(?:PROJCS|GEOGCS)\\s*\\[\\s*\"([^\"]+)\"");
        private static final Pattern SPHEROID = Pattern.compile("SPHEROID\\s*\\[\\s*\"[^\"]*\"\\s*,\\s*([0-9.eE+-]+)");
        private static final Map<String, Integer> BY_NAME = load();

        private EsriNames() {
        }

        private static Map<String, Integer> load() {
            Map<String, Integer> names = new java.util.HashMap<>();
            try (var in = PrjCodec.class.getResourceAsStream("esri-names.tsv")) {
                if (in == null) {
                    throw new IllegalStateException("esri-names.tsv is missing from the build");
                }
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    int tab = line.indexOf('\t');
                    if (!line.startsWith("#") && tab > 0) {
                        names.put(line.substring(0, tab), Integer.valueOf(line.substring(tab + 1).trim()));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.copyOf(names);
        }

        /** The EPSG code ESRI's name stands for, or null. */
        static Integer code(String name) {
            return BY_NAME.get(name);
        }

        /** The .prj identified by its name, or null when the name is unknown or its spheroid disagrees. */
        static Prj identify(String wkt) {
            Matcher top = TOP.matcher(wkt);
            if (!top.find()) {
                return null;
            }
            Integer code = BY_NAME.get(top.group(1));
            if (code == null) {
                return null;
            }
            try {
                CoordinateReferenceSystem crs = CrsResolver.forCode("EPSG:" + code);
                Matcher spheroid = SPHEROID.matcher(wkt);
                if (spheroid.find()) {
                    double a = Double.parseDouble(spheroid.group(1));
                    var ellipsoid = org.apache.sis.referencing.datum.DatumOrEnsemble.getEllipsoid(crs).orElse(null);
                    if (ellipsoid == null || Math.abs(ellipsoid.getSemiMajorAxis() - a) > 1) {
                        return null;
                    }
                }
                return new Prj(crs, "EPSG:" + code);
            } catch (CrsException | RuntimeException e) {
                return null; // read from the definition instead
            }
        }
    }

    /** The .prj text for a layer, or null when the layer has no CRS. */
    static String format(CoordinateReferenceSystem crs, String code) throws AssetFailure {
        CoordinateReferenceSystem definition = crs;
        if (code != null) {
            try {
                definition = CRS.forCode(CrsResolver.canonicalCode(code));
            } catch (FactoryException | CrsException e) {
                throw AssetFailure.permanent(ErrorClass.CRS, "Cannot write a .prj for " + code + ": "
                        + e.getMessage(), e);
            }
        }
        if (definition == null) {
            return null;
        }
        WKTFormat format = new WKTFormat();
        format.setConvention(Convention.WKT1_COMMON_UNITS);
        format.setIndentation(WKTFormat.SINGLE_LINE);
        try {
            return format.format(definition);
        } catch (RuntimeException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, "Cannot write the CRS '"
                    + definition.getName().getCode() + "' as WKT 1 for a .prj: " + e.getMessage(), e);
        }
    }
}
