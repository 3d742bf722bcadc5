package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.sf.wkt.GeometryWriter;

/** Reads a GeoPackage back with plain JDBC and the mil.nga geometry decoder, for assertions. */
final class Outputs {
    private Outputs() {
    }

    /** Rows of a query as maps column → value, geometry blobs decoded to WKT. */
    static List<Map<String, Object>> query(Path file, String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    static String wkt(byte[] blob) throws Exception {
        GeoPackageGeometryData g = GeoPackageGeometryData.create(blob);
        return g.isEmpty() && g.getGeometry() == null ? "EMPTY" : GeometryWriter.writeGeometry(g.getGeometry());
    }

    static GeoPackageGeometryData decode(byte[] blob) {
        return GeoPackageGeometryData.create(blob);
    }
}
