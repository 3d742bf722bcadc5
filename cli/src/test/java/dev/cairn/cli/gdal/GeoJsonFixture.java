package dev.cairn.cli.gdal;

import java.util.Locale;

/**
 * GeoJSON texts in a projected CRS, which {@code ogr2ogr -a_srs EPSG:n -preserve_fid} turns into
 * GDAL-written GeoPackages. Coordinates are offsets (in the CRS's unit) from an origin that lies
 * inside the CRS's area of use; the GeoJSON {@code id} members become the GeoPackage fids.
 *
 * <p>The "mixed" layer holds every geometry kind and attribute type cairn must carry unchanged:
 * point, line, polygon with a hole, multi-point, multi-line, multi-polygon, a 3D point, a NULL
 * geometry; Integer, Integer64 (beyond 2^53, so a detour through {@code double} shows), Real,
 * String (non-ASCII, quotes, newline, empty, NULL), Date and DateTime (with milliseconds), NULLs in
 * every column; sparse fids including one beyond 2^32.
 */
final class GeoJsonFixture {
    /** The fids of {@link #mixed}, in order. */
    static final long[] MIXED_FIDS = {10, 20, 35, 36, 1000, 1001, 1002, 1003, 4_294_967_303L};
    /**
     * The z of the 3D point (fid 1001), an Alpine height on purpose: PROJ feeds z into the datum
     * shift as an ellipsoidal height even for a 2D CRS, so x/y depend on z by about 3e-5 × z
     * (see {@link OgrCorrectnessIT}). At 1850.5 m, a transform that ignored heights would be
     * ~5 cm off and fail the 1 cm comparison.
     */
    static final double Z = 1850.5;

    private GeoJsonFixture() {
    }

    static String mixed(double x0, double y0) {
        P p = new P(x0, y0);
        return collection(
                feature(10, "{\"i\":1,\"i64\":5000000000,\"r\":1.5,\"s\":\"Zürich\",\"d\":\"2024-02-29\","
                        + "\"dt\":\"2024-02-29T13:45:10.123Z\"}",
                        "{\"type\":\"Point\",\"coordinates\":" + p.at(0.5, 0.25) + "}"),
                feature(20, "{\"i\":null,\"i64\":null,\"r\":null,\"s\":null,\"d\":null,\"dt\":null}",
                        "{\"type\":\"LineString\",\"coordinates\":[" + p.at(0, 0) + "," + p.at(1000, 1000) + ","
                                + p.at(2000, 500.125) + "]}"),
                feature(35, "{\"i\":-7,\"i64\":-9000000000,\"r\":-0.125,\"s\":\"東京\",\"d\":\"1999-12-31\","
                        + "\"dt\":\"1999-12-31T23:59:59Z\"}",
                        "{\"type\":\"Polygon\",\"coordinates\":[" + ring(p, 0, 0, 2000, 2000) + ","
                                + hole(p, 500, 500, 1000, 1000) + "]}"),
                feature(36, "{\"i\":0,\"i64\":9007199254740993,\"r\":0.43333333333333335,\"s\":\"\","
                        + "\"d\":\"2000-01-01\",\"dt\":\"2000-01-01T00:00:00Z\"}", "null"),
                feature(1000, "{\"i\":4,\"i64\":2,\"r\":3.25,\"s\":\"multi\",\"d\":\"2001-01-01\","
                        + "\"dt\":\"2001-01-01T12:00:00Z\"}",
                        "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + ring(p, 0, 0, 1000, 1000) + "],["
                                + ring(p, 3000, 3000, 4000, 4000) + "]]}"),
                feature(1001, "{\"i\":5,\"i64\":3,\"r\":4.5,\"s\":\"O'Brien \\\"quoted\\\"\",\"d\":null,"
                        + "\"dt\":\"2002-01-01T12:00:00Z\"}",
                        "{\"type\":\"Point\",\"coordinates\":" + p.at3(100, 100, Z) + "}"),
                feature(1002, "{\"i\":6,\"i64\":null,\"r\":1e-300,\"s\":\"line1\\nline2\",\"d\":\"2003-03-03\","
                        + "\"dt\":null}",
                        "{\"type\":\"MultiLineString\",\"coordinates\":[[" + p.at(10, 10) + "," + p.at(20, 30) + "],["
                                + p.at(-50, -50) + "," + p.at(-60, -70) + "," + p.at(-80, -75) + "]]}"),
                feature(1003, "{\"i\":2147483647,\"i64\":-1,\"r\":null,\"s\":\"Ærøskøbing ß ŝ\",\"d\":\"2004-04-04\","
                        + "\"dt\":\"2004-04-04T04:04:04.500Z\"}",
                        "{\"type\":\"MultiPoint\",\"coordinates\":[" + p.at(1, 2) + "," + p.at(3, 4) + ","
                                + p.at(3500, -2500) + "]}"),
                feature(4_294_967_303L, "{\"i\":-2147483648,\"i64\":0,\"r\":-0.0,\"s\":\"big fid\","
                        + "\"d\":\"2005-05-05\",\"dt\":\"2005-05-05T05:05:05Z\"}",
                        "{\"type\":\"Polygon\",\"coordinates\":[" + ring(p, -3000, -3000, -2500, -2000) + "]}"));
    }

    /** A LineString-only layer (GDAL declares it LINESTRING). */
    static String roads(double x0, double y0) {
        P p = new P(x0, y0);
        return collection(
                feature(1, "{\"name\":\"High Street\",\"lanes\":2}",
                        "{\"type\":\"LineString\",\"coordinates\":[" + p.at(0, 0) + "," + p.at(250.5, 10) + "]}"),
                feature(2, "{\"name\":\"Queen's Road\",\"lanes\":null}",
                        "{\"type\":\"LineString\",\"coordinates\":[" + p.at(-100, 40) + "," + p.at(0, 0) + ","
                                + p.at(30, -400) + "]}"),
                feature(7, "{\"name\":null,\"lanes\":4}",
                        "{\"type\":\"LineString\",\"coordinates\":[" + p.at(1000, 1000) + "," + p.at(1200, 900) + "]}"));
    }

    /** A Point-only layer (GDAL declares it POINT). */
    static String poi(double x0, double y0) {
        P p = new P(x0, y0);
        return collection(
                feature(1, "{\"name\":\"Café\",\"elev\":12.75}", "{\"type\":\"Point\",\"coordinates\":" + p.at(5, 5) + "}"),
                feature(2, "{\"name\":\"Pub\",\"elev\":null}", "{\"type\":\"Point\",\"coordinates\":" + p.at(-5, 800) + "}"));
    }

    /** One point at projected coordinates (x, y). */
    static String point(double x, double y) {
        return collection(feature(1, "{\"name\":\"probe\"}",
                "{\"type\":\"Point\",\"coordinates\":" + new P(x, y).at(0, 0) + "}"));
    }

    private static String collection(String... features) {
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + String.join(",\n", features) + "\n]}\n";
    }

    private static String feature(long id, String properties, String geometry) {
        return "{\"type\":\"Feature\",\"id\":" + id + ",\"properties\":" + properties + ",\"geometry\":" + geometry + "}";
    }

    private static String ring(P p, double x1, double y1, double x2, double y2) {
        // Exterior ring counter-clockwise.
        return "[" + p.at(x1, y1) + "," + p.at(x2, y1) + "," + p.at(x2, y2) + "," + p.at(x1, y2) + "," + p.at(x1, y1) + "]";
    }

    private static String hole(P p, double x1, double y1, double x2, double y2) {
        // Interior ring clockwise.
        return "[" + p.at(x1, y1) + "," + p.at(x1, y2) + "," + p.at(x2, y2) + "," + p.at(x2, y1) + "," + p.at(x1, y1) + "]";
    }

    /** Formats positions relative to an origin. */
    private record P(double x0, double y0) {
        String at(double dx, double dy) {
            return String.format(Locale.ROOT, "[%.4f,%.4f]", x0 + dx, y0 + dy);
        }

        String at3(double dx, double dy, double z) {
            return String.format(Locale.ROOT, "[%.4f,%.4f,%.4f]", x0 + dx, y0 + dy, z);
        }
    }
}
