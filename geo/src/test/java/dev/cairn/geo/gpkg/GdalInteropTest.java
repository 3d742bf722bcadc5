package dev.cairn.geo.gpkg;

import dev.cairn.geo.testing.CountingContext;

import dev.cairn.geo.testing.Gdal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GdalInteropTest {

    @ParameterizedTest
    @ValueSource(strings = {"EPSG:3857", "EPSG:2056", "EPSG:4326", "EPSG:32632"})
    void ogrinfoReadsTheOutputWithTheTargetCrsAndFeatureCount(String target, @TempDir Path dir) throws Exception {
        Gdal.require();
        Path in = GpkgRoundTripTest.mixedLayer(dir);
        Path out = dir.resolve("out.gpkg");
        GpkgConverter.convert(in, out, new GpkgConverter.Options(target, null), new CountingContext());

        String info = Gdal.run(Map.of(), "ogrinfo", "-so", "-al", out.toString());
        String code = target.substring(5);
        assertThat(info).contains("Feature Count: " + GpkgRoundTripTest.GEOMETRIES.length)
                .contains("Geometry: Unknown (any)")
                .contains("FID Column = id")
                .contains("Geometry Column = shape")
                .contains("name: String (20.0)")
                .contains("count: Integer64 (0.0)")
                .contains("small: Integer (0.0)")
                .contains("flag: Integer(Boolean)")
                .contains("day: Date")
                .contains("at: DateTime")
                .contains("raw: Binary")
                .contains("ratio: Real")
                .containsPattern("ID\\[\"EPSG\"," + code + "]]\\s*Data axis");
    }

    @Test
    void matchesOgr2ogrFeatureForFeatureWithinOneCentimetre(@TempDir Path dir) throws Exception {
        Gdal.require();
        GpkgFixture f = GpkgFixture.create(dir.resolve("lv95.gpkg"))
                .srs(2056, "EPSG", 2056, GpkgFixture.LV95_WKT)
                .layer("parcels", "fid", "geom", "MULTIPOLYGON", 0, 0, 2056, "name TEXT", "area REAL", "n INTEGER")
                .layer("roads", "fid", "geom", "LINESTRING", 1, 0, 2056, "ref TEXT(8)");
        java.util.Random random = new java.util.Random(42);
        for (int i = 1; i <= 200; i++) {
            double x = 2_600_000 + random.nextInt(200_000);
            double y = 1_100_000 + random.nextInt(150_000);
            String wkt = "MULTIPOLYGON (((" + x + " " + y + ", " + (x + 100) + " " + y + ", " + (x + 100) + " " + (y + 50)
                    + ", " + x + " " + y + ")))";
            f.row("parcels", 2056, (long) i * 7, i % 17 == 0 ? null : wkt, i % 3 == 0 ? "Zürich " + i : null, x / 1000, (long) i);
            f.row("roads", 2056, (long) i, "LINESTRING Z (" + x + " " + y + " " + i + ", " + (x + 500) + " " + (y - 300) + " 0)",
                    "R" + i);
        }
        Path in = f.write();
        Path ours = dir.resolve("ours.gpkg");
        Path theirs = dir.resolve("theirs.gpkg");
        GpkgConverter.convert(in, ours, new GpkgConverter.Options("EPSG:4326", null), new CountingContext());
        Gdal.run(Map.of(), "ogr2ogr", "-f", "GPKG", "-t_srs", "EPSG:4326", theirs.toString(), in.toString());

        for (String layer : new String[] {"parcels", "roads"}) {
            var a = Outputs.query(ours, "SELECT * FROM " + layer + " ORDER BY fid");
            var b = Outputs.query(theirs, "SELECT * FROM " + layer + " ORDER BY fid");
            assertThat(a).hasSize(200).hasSameSizeAs(b);
            for (int i = 0; i < a.size(); i++) {
                for (String k : b.get(i).keySet()) {
                    if (k.equals("geom")) {
                        Coordinates.assertClose((byte[]) a.get(i).get(k), (byte[]) b.get(i).get(k), 1e-7);
                    } else {
                        assertThat(a.get(i).get(k)).as("%s.%s fid %s", layer, k, b.get(i).get("fid")).isEqualTo(b.get(i).get(k));
                    }
                }
            }
        }
        assertThat(Outputs.query(ours, "SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns ORDER BY 1"))
                .isEqualTo(Outputs.query(theirs, "SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns ORDER BY 1"));
    }
}
