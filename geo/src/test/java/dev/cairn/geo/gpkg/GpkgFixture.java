package dev.cairn.geo.gpkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.sf.wkt.GeometryReader;

/**
 * Builds GeoPackage fixtures with plain SQL and the mil.nga geometry encoder: deliberately
 * independent of cairn's writer, so a round trip tests both sides against a third implementation.
 */
final class GpkgFixture {
    /** GDAL 3.6's WKT for EPSG:4326 (what a GDAL-written GeoPackage holds). */
    static final String WGS84_WKT = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
            + "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
            + "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],"
            + "AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";
    /** GDAL 3.6's WKT for EPSG:2056. */
    static final String LV95_WKT = "PROJCS[\"CH1903+ / LV95\",GEOGCS[\"CH1903+\",DATUM[\"CH1903+\",SPHEROID[\"Bessel 1841\","
            + "6377397.155,299.1528128,AUTHORITY[\"EPSG\",\"7004\"]],AUTHORITY[\"EPSG\",\"6150\"]],PRIMEM[\"Greenwich\",0,"
            + "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
            + "AUTHORITY[\"EPSG\",\"4150\"]],PROJECTION[\"Hotine_Oblique_Mercator_Azimuth_Center\"],"
            + "PARAMETER[\"latitude_of_center\",46.9524055555556],PARAMETER[\"longitude_of_center\",7.43958333333333],"
            + "PARAMETER[\"azimuth\",90],PARAMETER[\"rectified_grid_angle\",90],PARAMETER[\"scale_factor\",1],"
            + "PARAMETER[\"false_easting\",2600000],PARAMETER[\"false_northing\",1200000],UNIT[\"metre\",1,"
            + "AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"2056\"]]";

    private final Path file;
    private final List<String> sql = new ArrayList<>();
    private final List<Object[]> rows = new ArrayList<>(); // table, values...
    private final List<String> rowSql = new ArrayList<>();

    private GpkgFixture(Path file) {
        this.file = file;
        sql.add("CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
                + "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)");
        sql.add("CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, "
                + "description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
                + "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)");
        sql.add("CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, "
                + "srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name))");
        sql.add("INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL)");
        sql.add("INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL)");
        sql.add("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '" + WGS84_WKT + "', NULL)");
    }

    static GpkgFixture create(Path file) {
        return new GpkgFixture(file);
    }

    GpkgFixture srs(int srsId, String organization, int code, String wkt) {
        sql.add("INSERT OR REPLACE INTO gpkg_spatial_ref_sys VALUES ('srs " + srsId + "', " + srsId + ", '" + organization + "', "
                + code + ", '" + wkt.replace("'", "''") + "', NULL)");
        return this;
    }

    /**
     * Declares a feature table; {@code columns} are "name TYPE" pairs after the fid and geometry.
     */
    GpkgFixture layer(String table, String fidColumn, String geomColumn, String geomType, int z, int m, int srsId,
            String... columns) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE \"" + table + "\" (\"" + fidColumn
                + "\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"" + geomColumn + "\" " + geomType);
        for (String c : columns) {
            ddl.append(", ").append(c);
        }
        sql.add(ddl.append(')').toString());
        sql.add("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('" + table + "', 'features', '"
                + table + "', " + srsId + ")");
        sql.add("INSERT INTO gpkg_geometry_columns VALUES ('" + table + "', '" + geomColumn + "', '" + geomType + "', "
                + srsId + ", " + z + ", " + m + ")");
        return this;
    }

    GpkgFixture attributesTable(String table) {
        sql.add("CREATE TABLE \"" + table + "\" (id INTEGER PRIMARY KEY, note TEXT)");
        sql.add("INSERT INTO \"" + table + "\" VALUES (1, 'not a feature')");
        sql.add("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('" + table + "', 'attributes', '" + table + "')");
        return this;
    }

    /** Adds a row: values in table order, the geometry given as WKT (or null) at its position. */
    GpkgFixture row(String table, int srsId, Object... values) {
        Object[] v = values.clone();
        v[1] = values[1] == null ? null : blob(srsId, (String) values[1]);
        rowSql.add("INSERT INTO \"" + table + "\" VALUES (" + "?, ".repeat(v.length - 1) + "?)");
        rows.add(v);
        return this;
    }

    static byte[] blob(int srsId, String wkt) {
        try {
            return GeoPackageGeometryData.createBuildEnvelopeAndWrite(srsId, GeometryReader.readGeometry(wkt)).getBytes();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(wkt, e);
        }
    }

    Path write() throws Exception {
        Files.deleteIfExists(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA application_id = 1196444487");
                s.execute("PRAGMA user_version = 10200");
                for (String q : sql) {
                    s.execute(q);
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                try (PreparedStatement ps = c.prepareStatement(rowSql.get(i))) {
                    Object[] v = rows.get(i);
                    for (int k = 0; k < v.length; k++) {
                        ps.setObject(k + 1, v[k]);
                    }
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        return file;
    }
}
