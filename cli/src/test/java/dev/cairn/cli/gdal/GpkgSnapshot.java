package dev.cairn.cli.gdal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.sqlite.SQLiteConfig;

/**
 * Everything a GeoPackage says about its feature layers, read with plain JDBC and JTS (not with
 * GDAL, not with cairn's own reader), so that the comparison is independent of both writers.
 *
 * <p>Geometry blobs are decoded by hand: the GeoPackage header ({@code "GP"}, version, flags, srs_id,
 * optional envelope) is parsed and checked, then the rest goes to {@link WKBReader}. A blob the
 * header parser rejects is recorded as a {@link Feature#blobProblem()}, not thrown, so one bad
 * feature does not hide the others.
 */
record GpkgSnapshot(Path file, String integrityCheck, Map<String, Layer> layers) {

    /** One feature table: its schema, its features by fid, and its R-tree boxes by id (null if no R-tree table). */
    record Layer(String table, String geomColumn, String geometryTypeName, int srsId, int z, int m,
                 String fidColumn, List<Column> columns, TreeMap<Long, Feature> features,
                 Map<Long, double[]> rtree, boolean rtreeRegistered, String srsOrganization, int srsOrgId) {
    }

    /** An attribute column as declared in the table's SQL. */
    record Column(String name, String declaredType) {
    }

    /** A feature: fid, geometry (null for NULL), attribute values by column (SQLite storage values). */
    record Feature(long fid, Geometry geometry, Integer headerSrsId, double[] headerEnvelope, String blobProblem,
                   List<Object> values) {
    }

    static GpkgSnapshot read(Path gpkg) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + gpkg.toAbsolutePath())) {
            String integrity = single(c, "PRAGMA integrity_check");
            Map<String, Layer> layers = new LinkedHashMap<>();
            List<String[]> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT g.table_name, g.column_name, g.geometry_type_name, g.srs_id, g.z, g.m,
                                s.organization, s.organization_coordsys_id
                         FROM gpkg_geometry_columns g
                         JOIN gpkg_contents c ON c.table_name = g.table_name AND c.data_type = 'features'
                         LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
                         ORDER BY g.table_name""")) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)});
                }
            }
            for (String[] r : rows) {
                layers.put(r[0], readLayer(c, r));
            }
            return new GpkgSnapshot(gpkg, integrity, layers);
        }
    }

    private static Layer readLayer(Connection c, String[] meta) throws SQLException {
        String table = meta[0];
        String geom = meta[1];
        String fidColumn = null;
        List<Column> columns = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                String name = rs.getString("name");
                if (rs.getInt("pk") == 1) {
                    fidColumn = name;
                } else if (!name.equals(geom)) {
                    columns.add(new Column(name, rs.getString("type")));
                }
            }
        }
        if (fidColumn == null) {
            throw new AssertionError(table + " has no INTEGER PRIMARY KEY (fid) column");
        }
        TreeMap<Long, Feature> features = new TreeMap<>();
        WKBReader wkb = new WKBReader();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + quote(table))) {
            while (rs.next()) {
                long fid = rs.getLong(fidColumn);
                List<Object> values = new ArrayList<>();
                for (Column col : columns) {
                    values.add(normalise(rs.getObject(col.name())));
                }
                features.put(fid, decode(fid, rs.getBytes(geom), wkb, values));
            }
        }
        String rtreeTable = "rtree_" + table + "_" + geom;
        Map<Long, double[]> rtree = null;
        if (exists(c, rtreeTable)) {
            rtree = new TreeMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, minx, maxx, miny, maxy FROM " + quote(rtreeTable))) {
                while (rs.next()) {
                    rtree.put(rs.getLong(1), new double[] {rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)});
                }
            }
        }
        boolean registered;
        try (var ps = c.prepareStatement("""
                SELECT count(*) FROM gpkg_extensions
                WHERE lower(table_name) = lower(?) AND lower(column_name) = lower(?) AND extension_name = 'gpkg_rtree_index'""")) {
            ps.setString(1, table);
            ps.setString(2, geom);
            try (ResultSet rs = ps.executeQuery()) {
                registered = rs.next() && rs.getInt(1) > 0;
            }
        } catch (SQLException noExtensionsTable) {
            registered = false;
        }
        return new Layer(table, geom, meta[2], Integer.parseInt(meta[3]), Integer.parseInt(meta[4]),
                Integer.parseInt(meta[5]), fidColumn, columns, features, rtree, registered, meta[6],
                meta[7] == null ? -1 : Integer.parseInt(meta[7]));
    }

    /**
     * Decodes a GeoPackage geometry blob (GeoPackage 1.2, §2.1.3): magic "GP", version 0, flags
     * (bit 0 byte order of srs_id and envelope, bits 1–3 envelope kind, bit 4 empty, bit 5 extended
     * type), int32 srs_id, envelope of 0/4/6/6/8 doubles, then standard WKB.
     */
    private static Feature decode(long fid, byte[] blob, WKBReader wkb, List<Object> values) {
        if (blob == null) {
            return new Feature(fid, null, null, null, null, values);
        }
        if (blob.length < 8 || blob[0] != 'G' || blob[1] != 'P') {
            return new Feature(fid, null, null, null, "blob does not start with the GeoPackage magic 'GP'", values);
        }
        if (blob[2] != 0) {
            return new Feature(fid, null, null, null, "GeoPackage blob version " + blob[2] + " (expected 0)", values);
        }
        int flags = blob[3];
        ByteBuffer buf = ByteBuffer.wrap(blob).order((flags & 1) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int srsId = buf.getInt(4);
        int envelopeKind = (flags >> 1) & 7;
        int doubles = switch (envelopeKind) {
            case 0 -> 0;
            case 1 -> 4;
            case 2, 3 -> 6;
            case 4 -> 8;
            default -> -1;
        };
        if (doubles < 0) {
            return new Feature(fid, null, srsId, null, "invalid envelope indicator " + envelopeKind, values);
        }
        double[] env = new double[doubles];
        for (int i = 0; i < doubles; i++) {
            env[i] = buf.getDouble(8 + 8 * i);
        }
        byte[] body = java.util.Arrays.copyOfRange(blob, 8 + 8 * doubles, blob.length);
        try {
            Geometry g = wkb.read(body);
            String problem = null;
            if (((flags >> 4) & 1) != (g.isEmpty() ? 1 : 0)) {
                problem = "empty flag " + ((flags >> 4) & 1) + " but geometry isEmpty()=" + g.isEmpty();
            }
            return new Feature(fid, g, srsId, doubles == 0 ? null : env, problem, values);
        } catch (ParseException | RuntimeException e) {
            return new Feature(fid, null, srsId, null, "WKB does not parse: " + e, values);
        }
    }

    /** SQLite storage values, with integers widened to Long and reals to Double. */
    private static Object normalise(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    /** The envelope of the header as JTS sees it (minx, maxx, miny, maxy), or null. */
    static Envelope headerEnvelope(Feature f) {
        double[] e = f.headerEnvelope();
        return e == null ? null : new Envelope(e[0], e[1], e[2], e[3]);
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT count(*) FROM sqlite_master WHERE lower(name) = lower(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) > 0;
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(sb.isEmpty() ? "" : "\n").append(rs.getString(1));
            }
            return sb.toString();
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
