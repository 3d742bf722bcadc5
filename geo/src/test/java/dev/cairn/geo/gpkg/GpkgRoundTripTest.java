package dev.cairn.geo.gpkg;

import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpkgRoundTripTest {
    static final String[] GEOMETRIES = {
        "POINT (8.5 47.3)",
        "LINESTRING (8.5 47.3, 8.6 47.4, 8.7 47.35)",
        "POLYGON ((8 47, 9 47, 9 48, 8 48, 8 47), (8.2 47.2, 8.4 47.2, 8.4 47.4, 8.2 47.2))",
        "MULTIPOINT ((8.1 47.1), (8.2 47.2))",
        "MULTILINESTRING ((8 47, 8.1 47.1), (8.2 47.2, 8.3 47.3, 8.4 47.2))",
        "MULTIPOLYGON (((8 47, 8.5 47, 8.5 47.5, 8 47)), ((9 47, 9.5 47, 9.5 47.5, 9 47)))",
        "GEOMETRYCOLLECTION (POINT (8.5 47.3), LINESTRING (8 47, 9 48))",
        "POINT Z (8.5 47.3 412.5)",
        "LINESTRING Z (8.5 47.3 400, 8.6 47.4 500)",
        "POINT M (8.5 47.3 7)",
        "POLYGON ZM ((8 47 1 10, 9 47 2 20, 9 48 3 30, 8 47 1 10))",
        "POINT EMPTY",
        "POLYGON EMPTY",
        null,
    };

    static Path mixedLayer(Path dir) throws Exception {
        GpkgFixture f = GpkgFixture.create(dir.resolve("mixed.gpkg"))
                .layer("mixed", "id", "shape", "GEOMETRY", 2, 2, 4326,
                        "name TEXT(20)", "count INTEGER", "small MEDIUMINT", "ratio REAL", "flag BOOLEAN",
                        "day DATE", "at DATETIME", "raw BLOB");
        String[] names = {"Zürich", "Ålesund", "東京", null};
        for (int i = 0; i < GEOMETRIES.length; i++) {
            long fid = 10 + 3L * i; // gaps: fids must be preserved, not renumbered
            f.row("mixed", 4326, fid, GEOMETRIES[i], names[i % names.length], i % 3 == 0 ? null : (long) i * 1_000_000_000L,
                    i, i / 3.0, i % 2, "2024-02-" + (10 + i), "2024-02-10T12:00:0" + (i % 10) + "Z",
                    i % 4 == 0 ? null : new byte[] {1, 2, (byte) i});
        }
        return f.write();
    }

    @Test
    void everyGeometryTypeAndAttributeSurvivesAnIdentityConversion(@TempDir Path dir) throws Exception {
        Path in = mixedLayer(dir);
        Path out = dir.resolve("out.gpkg");
        var result = GpkgConverter.convert(in, out, new GpkgConverter.Options("EPSG:4326", null), new CountingContext());

        assertThat(result.features()).isEqualTo(GEOMETRIES.length);
        assertThat(result.layerNames()).containsExactly("mixed");
        List<Map<String, Object>> before = Outputs.query(in, "SELECT * FROM mixed ORDER BY id");
        List<Map<String, Object>> after = Outputs.query(out, "SELECT * FROM mixed ORDER BY id");
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            Map<String, Object> b = before.get(i);
            Map<String, Object> a = after.get(i);
            assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
            for (String k : b.keySet()) {
                if (k.equals("shape") && b.get(k) != null) {
                    assertThat(Outputs.wkt((byte[]) a.get(k))).as("fid %s", b.get("id"))
                            .isEqualTo(Outputs.wkt((byte[]) b.get(k)));
                } else {
                    assertThat(a.get(k)).as("%s of fid %s", k, b.get("id")).isEqualTo(b.get(k));
                }
            }
        }
        assertThat(Outputs.query(out, "PRAGMA table_info(mixed)")).isEqualTo(Outputs.query(in, "PRAGMA table_info(mixed)"));
        assertThat(Outputs.query(out, "SELECT column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns"))
                .containsExactly(Map.of("column_name", "shape", "geometry_type_name", "GEOMETRY", "srs_id", 4326, "z", 2, "m", 2));
    }

    @Test
    void reprojectingThereAndBackKeepsEveryGeometryZAndMAndCopiesAttributeTablesAsThey(@TempDir Path dir) throws Exception {
        Path in = mixedLayer(dir);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + in); var s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT(20), seen DATE)");
            s.execute("INSERT INTO notes VALUES (7, 'kept as it is', '2024-02-29')");
            s.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('notes', 'attributes', 'notes')");
            s.execute("CREATE TABLE \"second layer\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT)");
            s.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('second layer', 'features', 'second layer', 4326)");
            s.execute("INSERT INTO gpkg_geometry_columns VALUES ('second layer', 'geom', 'POINT', 4326, 0, 0)");
        }
        Path lv95 = dir.resolve("lv95.gpkg");
        Path back = dir.resolve("back.gpkg");
        var there = GpkgConverter.convert(in, lv95, new GpkgConverter.Options("EPSG:2056", null), new CountingContext());
        var ctx = new CountingContext();
        var result = GpkgConverter.convert(lv95, back, new GpkgConverter.Options("epsg:4326", null), ctx);

        assertThat(there.layerNames()).containsExactly("mixed", "notes", "second layer");
        assertThat(there.attributeTables()).containsExactly("notes");
        assertThat(there.skippedTables()).isEmpty();
        assertThat(Outputs.query(back, "SELECT id, note, seen FROM notes"))
                .containsExactly(Map.of("id", 7, "note", "kept as it is", "seen", "2024-02-29"));
        assertThat(Outputs.query(back, "SELECT name, type, pk FROM pragma_table_info('notes')")).containsExactly(
                Map.of("name", "id", "type", "INTEGER", "pk", 1), Map.of("name", "note", "type", "TEXT(20)", "pk", 0),
                Map.of("name", "seen", "type", "DATE", "pk", 0));
        assertThat(Outputs.query(back, "SELECT data_type, srs_id FROM gpkg_contents WHERE table_name = 'notes'"))
                .containsExactly(Map.of("data_type", "attributes", "srs_id", 0));
        assertThat(Outputs.query(back, "SELECT count(*) AS n FROM gpkg_geometry_columns WHERE table_name = 'notes'")
                .get(0).get("n")).isEqualTo(0);
        assertThat(there.linearAccuracy()).isEqualTo(1.0);
        assertThat(result.features()).as("the attribute table's row counts").isEqualTo(GEOMETRIES.length + 1)
                .isEqualTo(ctx.progress.get());
        var before = Outputs.query(in, "SELECT id, shape FROM mixed ORDER BY id");
        var middle = Outputs.query(lv95, "SELECT id, shape FROM mixed ORDER BY id");
        var after = Outputs.query(back, "SELECT id, shape FROM mixed ORDER BY id");
        for (int i = 0; i < before.size(); i++) {
            byte[] original = (byte[]) before.get(i).get("shape");
            Coordinates.assertClose((byte[]) after.get(i).get("shape"), original, 1e-7);
            if (original != null && !Outputs.decode(original).isEmpty()) {
                double x = Coordinates.read((byte[]) middle.get(i).get("shape")).getCoordinate().x;
                assertThat(x).as("LV95 easting of fid %s", before.get(i).get("id")).isBetween(2_600_000.0, 2_800_000.0);
                assertThat(Outputs.wkt((byte[]) after.get(i).get("shape")).split(" ")[0].replace("(", ""))
                        .isEqualTo(Outputs.wkt(original).split(" ")[0].replace("(", ""));
            }
        }
        assertThat(Outputs.query(back, "SELECT count(*) AS n FROM rtree_mixed_shape").get(0).get("n")).isEqualTo(11);
        assertThat(Outputs.query(back, "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id > 0"))
                .containsExactly(Map.of("srs_id", 4326, "organization", "EPSG", "organization_coordsys_id", 4326));
        assertThat(Outputs.query(back, "PRAGMA application_id").get(0).values()).containsExactly(0x47504B47);
        assertThat(Outputs.query(back, "PRAGMA user_version").get(0).values()).containsExactly(10200);
    }
}
