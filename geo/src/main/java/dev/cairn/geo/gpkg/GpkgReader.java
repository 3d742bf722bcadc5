package dev.cairn.geo.gpkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;

/**
 * Opens a GeoPackage read-only with raw JDBC and describes its feature layers and attribute
 * tables. Refuses, as a
 * permanent {@link ErrorClass#FORMAT} failure with a one-line message naming the file, anything
 * that is not one: an empty file, a file without the SQLite header, a corrupt database, a
 * database without {@code gpkg_contents} / {@code gpkg_spatial_ref_sys}.
 */
final class GpkgReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpkgReader.class);
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private static final String CONTENTS = """
            SELECT c.table_name, c.data_type, c.identifier, c.description,
                   g.column_name, g.geometry_type_name, g.srs_id, g.z, g.m
            FROM gpkg_contents c
            LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
            ORDER BY c.table_name""";

    /** {@link #CONTENTS} of a file without gpkg_geometry_columns (attribute tables only). */
    private static final String CONTENTS_WITHOUT_GEOMETRY = """
            SELECT table_name, data_type, identifier, description, NULL, NULL, NULL, 0, 0
            FROM gpkg_contents ORDER BY table_name""";

    private static final String SRS = """
            SELECT organization, organization_coordsys_id, definition
            FROM gpkg_spatial_ref_sys WHERE srs_id = ?""";

    private final Path file;
    private final Connection connection;
    private final boolean geometryColumns;

    /** A row of {@code gpkg_spatial_ref_sys}. */
    record SrsRow(String organization, long code, String definition) {
    }

    private GpkgReader(Path file, Connection connection, boolean geometryColumns) {
        this.file = file;
        this.connection = connection;
        this.geometryColumns = geometryColumns;
    }

    /** SQLite's memory-mapped window on the input: see {@link #open}. */
    static final long MMAP_BYTES = 64L << 20;

    static GpkgReader open(Path file) throws AssetFailure {
        checkHeader(file);
        Connection c = null;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            config.setOpenMode(SQLiteOpenMode.READONLY);
            c = config.createConnection(Sql.jdbcUrl(file));
            try (Statement s = c.createStatement()) {
                // Memory-mapped reads skip a copy per page; but mapped pages of the input count in
                // the process's RSS. 64 MiB reads 1M polygons as fast as 256 MiB did (12.2 s against
                // 12.8 s, docs/benchmarks.md) and keeps the peak RSS of every path under 512 MiB
                // (256 MiB: up to 640 MiB; no mapping: 5-10 % slower).
                s.execute("PRAGMA mmap_size = " + MMAP_BYTES);
            }
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String required : List.of("gpkg_contents", "gpkg_spatial_ref_sys")) {
                if (!tables.contains(required)) {
                    throw notGpkg(file, "no " + required + " table", null);
                }
            }
            // gpkg_geometry_columns is required only of a GeoPackage with features (spec 1.2, 2.1.5):
            // a file of attribute tables alone may lack it
            GpkgReader reader = new GpkgReader(file, c, tables.contains("gpkg_geometry_columns"));
            c = null;
            return reader;
        } catch (SQLException e) {
            throw notGpkg(file, Sql.shortMessage(e), e);
        } finally {
            closeQuietly(c);
        }
    }

    private static void checkHeader(Path file) throws AssetFailure {
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, file + ": file not found", e);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            throw notGpkg(file, "file is empty", null);
        }
        if (n < head.length || !java.util.Arrays.equals(head, SQLITE_MAGIC)) {
            throw notGpkg(file, "not an SQLite database", null);
        }
    }

    static AssetFailure notGpkg(Path file, String why, Throwable cause) {
        String lower = why.toLowerCase(java.util.Locale.ROOT);
        String what = lower.contains("malformed") || lower.contains("corrupt") || lower.contains("truncated")
                ? "corrupt or truncated GeoPackage" : "not a GeoPackage";
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": " + what + " (" + why + ")", cause);
    }

    Connection connection() {
        return connection;
    }

    /**
     * Reads {@code gpkg_contents}: feature layers and attribute tables go to {@code layers} (in
     * table-name order, an attribute table as a {@link LayerSchema} without geometry column), the
     * names of other tables (tiles, and an attribute table without an INTEGER PRIMARY KEY, which
     * cairn cannot copy row by row) to {@code skipped}.
     */
    void listContents(List<LayerSchema> layers, List<String> skipped) throws AssetFailure {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(geometryColumns ? CONTENTS : CONTENTS_WITHOUT_GEOMETRY)) {
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getObject(7), rs.getInt(8), rs.getInt(9)});
            }
            for (Object[] r : rows) {
                String table = (String) r[0];
                String dataType = (String) r[1];
                if ("attributes".equalsIgnoreCase(dataType)) {
                    LayerSchema attributes = describe(table, (String) r[2], (String) r[3], null, null, 0, 0, 0);
                    if (attributes == null) {
                        skipped.add(table);
                    } else {
                        layers.add(attributes);
                    }
                    continue;
                }
                if (!"features".equalsIgnoreCase(dataType)) {
                    skipped.add(table);
                    continue;
                }
                if (r[4] == null) {
                    throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + table
                            + "' is listed in gpkg_contents as features but has no gpkg_geometry_columns row");
                }
                int srsId = r[6] == null ? 0 : ((Number) r[6]).intValue();
                layers.add(describe(table, (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                        (Integer) r[7], (Integer) r[8], srsId));
            }
        } catch (SQLException e) {
            throw notGpkg(file, Sql.shortMessage(e), e);
        }
    }

    /**
     * The table's columns as {@code PRAGMA table_info} gives them; {@code geomColumn} null for an
     * attribute table, which is returned as null (and logged) when it has no INTEGER PRIMARY KEY.
     */
    private LayerSchema describe(String table, String identifier, String description, String geomColumn,
            String geomType, int z, int m, int srsId) throws SQLException, AssetFailure {
        List<LayerSchema.Column> columns = new ArrayList<>();
        String pk = null;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA table_info(" + Sql.quote(table) + ")")) {
            while (rs.next()) {
                String name = rs.getString("name");
                String type = rs.getString("type");
                boolean isPk = rs.getInt("pk") > 0;
                columns.add(new LayerSchema.Column(name, type == null ? "" : type, rs.getInt("notnull") != 0,
                        rs.getString("dflt_value"), isPk));
                if (isPk && type != null && type.equalsIgnoreCase("INTEGER")) {
                    pk = name;
                }
            }
        }
        String what = geomColumn == null ? "attribute table" : "layer";
        if (columns.isEmpty()) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": " + what + " '" + table
                    + "' is listed in gpkg_contents but its table does not exist");
        }
        if (pk == null && geomColumn == null) {
            // GDAL reads such a table by rowid; cairn copies rows by their key and leaves it out
            // rather than fail the file's feature layers over it
            LOG.warn("{}: attribute table '{}' has no INTEGER PRIMARY KEY column; not copied", file, table);
            return null;
        }
        if (pk == null) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + table
                    + "' has no INTEGER PRIMARY KEY column (a GeoPackage feature table needs one)");
        }
        if (geomColumn == null) {
            return LayerSchema.attributes(table, identifier, description, pk, List.copyOf(columns));
        }
        if (columns.stream().noneMatch(c -> c.name().equals(geomColumn))) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + table
                    + "' has no column '" + geomColumn + "' named in gpkg_geometry_columns");
        }
        return new LayerSchema(table, identifier, description, geomColumn, geomType, z, m, srsId, pk,
                List.copyOf(columns));
    }

    /** The SRS row for {@code srsId}, or null if there is none. */
    SrsRow srs(int srsId) throws AssetFailure {
        try (PreparedStatement ps = connection.prepareStatement(SRS)) {
            ps.setInt(1, srsId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new SrsRow(rs.getString(1), rs.getLong(2), rs.getString(3)) : null;
            }
        } catch (SQLException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": cannot read gpkg_spatial_ref_sys ("
                    + Sql.shortMessage(e) + ")", e);
        }
    }

    /**
     * The layer's extent as gpkg_contents declares it (minX, minY, maxX, maxY, in its CRS), or
     * null when it declares none or it cannot be read (it only narrows a datum shift's choice).
     */
    double[] extent(String table) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                double[] box = new double[4];
                for (int i = 0; i < 4; i++) {
                    box[i] = rs.getDouble(i + 1);
                    if (rs.wasNull()) {
                        return null;
                    }
                }
                return box;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /** Streams every row of the layer, columns in schema order. The caller closes the result. */
    ResultSet rows(LayerSchema layer) throws SQLException {
        Statement s = connection.createStatement();
        s.closeOnCompletion();
        return s.executeQuery(select(layer).toString());
    }

    /**
     * Streams the rows whose fid is in {@code [from, to)} in fid order (a null bound is open),
     * columns in schema order. The caller closes the result.
     */
    ResultSet rows(LayerSchema layer, Long from, Long to) throws SQLException {
        StringBuilder sql = select(layer);
        String pk = Sql.quote(layer.primaryKey());
        sql.append(" WHERE 1");
        if (from != null) {
            sql.append(" AND ").append(pk).append(" >= ").append(from);
        }
        if (to != null) {
            sql.append(" AND ").append(pk).append(" < ").append(to);
        }
        sql.append(" ORDER BY ").append(pk);
        Statement s = connection.createStatement();
        s.closeOnCompletion();
        return s.executeQuery(sql.toString());
    }

    private static StringBuilder select(LayerSchema layer) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < layer.columns().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Sql.quote(layer.columns().get(i).name()));
        }
        return sql.append(" FROM ").append(Sql.quote(layer.table()));
    }

    /** Number of rows of the layer (answered from the table's b-tree, no row is decoded). */
    long count(LayerSchema layer) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.quote(layer.table()))) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The layer's smallest and largest fid, or null when it has no rows. Two subqueries: SQLite
     * answers a lone {@code min} or {@code max} of the primary key from the ends of its b-tree,
     * but scans every row for {@code SELECT min(pk), max(pk)}.
     */
    long[] fidBounds(LayerSchema layer) throws SQLException {
        String pk = Sql.quote(layer.primaryKey());
        String table = Sql.quote(layer.table());
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT min(" + pk + ") FROM " + table + "), (SELECT max(" + pk
                     + ") FROM " + table + ")")) {
            if (!rs.next()) {
                return null;
            }
            long min = rs.getLong(1);
            if (rs.wasNull()) {
                return null;
            }
            return new long[] {min, rs.getLong(2)};
        }
    }

    /** Streams the layer's fids in ascending order. The caller closes the result. */
    ResultSet fids(LayerSchema layer) throws SQLException {
        String pk = Sql.quote(layer.primaryKey());
        Statement s = connection.createStatement();
        s.closeOnCompletion();
        return s.executeQuery("SELECT " + pk + " FROM " + Sql.quote(layer.table()) + " ORDER BY " + pk);
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
