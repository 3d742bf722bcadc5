package dev.cairn.geo.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sis.io.wkt.Convention;
import org.apache.sis.io.wkt.WKTFormat;
import org.apache.sis.referencing.CRS;
import org.opengis.geometry.Envelope;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.util.FactoryException;

/**
 * What the generator needs to know about a CRS: the WKT1 of its {@code gpkg_spatial_ref_sys} row
 * and a box, in the CRS's own units with x = easting/longitude, where generated coordinates are
 * valid.
 *
 * <p>The {@code mil.nga} library only knows EPSG:4326 and 3857; for every other code the row is
 * written here with OGC WKT1 from Apache SIS's EPSG database (GDAL resolves the CRS from
 * {@code organization}/{@code organization_coordsys_id} and falls back to the WKT). The WKT of
 * the codes the tests use is stored in {@code srs-wkt1.properties}, so that generating data needs
 * no EPSG lookup (seconds each); other codes are looked up in SIS. Boxes are
 * hard-coded for the codes the tests use, so that generated data does not depend on the EPSG
 * database version; other codes take the central half of SIS's domain of validity.
 *
 * <p>Axis order trap: EPSG:4326 is (lat, lon) in the EPSG database, but GeoPackage geometries store
 * x = longitude. The boxes below are in GeoPackage order.
 */
final class SrsDefinitions {
    /** {minX, minY, maxX, maxY} in GeoPackage axis order (x = easting / longitude). */
    private static final Map<Integer, double[]> AREAS = Map.of(
            4326, new double[] {5.0, 45.0, 15.0, 55.0},             // central Europe, degrees
            3857, new double[] {600_000, 5_700_000, 1_600_000, 7_300_000},
            2056, new double[] {2_500_000, 1_100_000, 2_800_000, 1_280_000},   // Switzerland LV95
            21781, new double[] {500_000, 100_000, 800_000, 280_000},          // Switzerland LV03
            32632, new double[] {300_000, 5_000_000, 700_000, 6_000_000},      // UTM 32N, 6°E–12°E
            25832, new double[] {300_000, 5_000_000, 700_000, 6_000_000},      // ETRS89 / UTM 32N
            27700, new double[] {150_000, 50_000, 550_000, 650_000},           // British National Grid
            2263, new double[] {920_000, 130_000, 1_060_000, 260_000});        // NY Long Island, US feet

    private static final Map<Integer, CoordinateReferenceSystem> CACHE = new ConcurrentHashMap<>();
    private static final Properties KNOWN = loadKnown();

    private SrsDefinitions() {
    }

    /** The area generated coordinates fall in; {@code epsg == 0} (no CRS) uses EPSG:2056's. */
    static double[] area(int epsg) {
        double[] a = AREAS.get(epsg == 0 ? 2056 : epsg);
        if (a != null) {
            return a;
        }
        Envelope env;
        try {
            env = CRS.getDomainOfValidity(crs(epsg));
        } catch (RuntimeException e) {
            env = null;
        }
        if (env == null || env.getDimension() < 2) {
            throw new IllegalArgumentException("EPSG:" + epsg + " has no known domain of validity; add a box to SrsDefinitions");
        }
        double w = env.getSpan(0) / 4;
        double h = env.getSpan(1) / 4;
        double x0 = env.getMedian(0);
        double y0 = env.getMedian(1);
        boolean latFirst = isLatitudeFirst(epsg);
        return latFirst ? new double[] {y0 - h, x0 - w, y0 + h, x0 + w} : new double[] {x0 - w, y0 - h, x0 + w, y0 + h};
    }

    /** The CRS name for {@code srs_name}. */
    static String name(int epsg) {
        String known = KNOWN.getProperty(epsg + ".name");
        return known != null ? known : crs(epsg).getName().getCode();
    }

    /** OGC WKT1 on one line, as GDAL writes it into {@code gpkg_spatial_ref_sys.definition}. */
    static String wkt1(int epsg) {
        String known = KNOWN.getProperty(epsg + ".wkt");
        if (known != null) {
            return known;
        }
        WKTFormat format = new WKTFormat(Locale.ROOT, (java.time.ZoneId) null);
        format.setConvention(Convention.WKT1);
        format.setIndentation(WKTFormat.SINGLE_LINE);
        return format.format(crs(epsg));
    }

    private static Properties loadKnown() {
        Properties p = new Properties();
        try (InputStream in = SrsDefinitions.class.getResourceAsStream("srs-wkt1.properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static boolean isLatitudeFirst(int epsg) {
        String abbr = crs(epsg).getCoordinateSystem().getAxis(0).getDirection().name();
        return abbr.equalsIgnoreCase("NORTH") || abbr.equalsIgnoreCase("SOUTH");
    }

    private static CoordinateReferenceSystem crs(int epsg) {
        return CACHE.computeIfAbsent(epsg, code -> {
            quietDerby();
            try {
                return CRS.forCode("EPSG:" + code);
            } catch (FactoryException e) {
                throw new IllegalArgumentException("EPSG:" + code + " is not known to Apache SIS: " + e.getMessage(), e);
            }
        });
    }

    /** Derby (under SIS's embedded EPSG data) would write derby.log into the working directory. */
    private static void quietDerby() {
        if (System.getProperty("derby.stream.error.field") == null) {
            System.setProperty("derby.stream.error.field", SampleData.class.getName() + ".DERBY_LOG");
        }
    }
}
