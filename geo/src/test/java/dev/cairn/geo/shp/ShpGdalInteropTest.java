package dev.cairn.geo.shp;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cairn.geo.testing.Gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.WKTReader;

/** GDAL (ogr2ogr, ogrinfo) as the oracle: it reads what we write, we read what it writes, alike. */
class ShpGdalInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void gdal() {
        Gdal.require();
    }

    /** GDAL's own reading of a shapefile: rows of [WKT, field values as text], from its CSV driver. */
    private static List<List<String>> gdalRows(Path shp) throws Exception {
        String csv = Gdal.run(Map.of(), "ogr2ogr", "-f", "CSV", "/vsistdout/", shp.toString(),
                "-lco", "GEOMETRY=AS_WKT");
        List<List<String>> rows = parseCsv(csv);
        return rows.subList(1, rows.size());
    }

    /** RFC 4180 as GDAL's CSV driver writes it (quoted cells may hold commas, quotes and newlines). */
    private static List<List<String>> parseCsv(String text) throws java.io.IOException {
        return new ArrayList<>(new CsvMapper().readerForListOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .<List<String>>readValues(text).readAll());
    }

    private static void assertSameAsGdal(List<Feature> ours, List<List<String>> gdal, LayerDef def) throws Exception {
        assertThat(ours).hasSize(gdal.size());
        WKTReader wkt = new WKTReader();
        for (int i = 0; i < ours.size(); i++) {
            Feature f = ours.get(i);
            List<String> row = gdal.get(i);
            if (row.get(0).isEmpty()) {
                assertThat(f.geometry()).as("feature %d", i).isNull();
            } else {
                Geometry expected = wkt.read(row.get(0));
                assertThat(f.geometry().getGeometryType()).isEqualTo(expected.getGeometryType());
                assertThat(ShpFixture.sameCoordinates(expected, f.geometry()))
                        .as("feature %d: GDAL %s, cairn %s", i, expected, f.geometry()).isTrue();
            }
            for (int k = 0; k < def.fields().size(); k++) {
                Object v = f.values()[k];
                String g = row.get(k + 1);
                switch (def.fields().get(k).type()) {
                    case DOUBLE -> assertThat(v == null ? null : (Double) v)
                            .isEqualTo(g.isEmpty() ? null : Double.parseDouble(g));
                    case DATE -> assertThat(v == null ? "" : v.toString().replace('-', '/')).isEqualTo(g);
                    default -> assertThat(v == null ? "" : v.toString()).as("feature %d field %d", i, k).isEqualTo(g);
                }
            }
        }
    }

    @Test
    void gdalWrittenPolygonsAndAttributesReadAsGdalReadsThem() throws Exception {
        Random r = new Random(2024);
        StringBuilder json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        String[] names = {"Zürich", "東京", "Genève", "São Paulo"};
        for (int i = 0; i < 40; i++) {
            double x = 2600000 + r.nextInt(1000) * 10;
            double y = 1200000 + r.nextInt(1000) * 10;
            String shell = square(x, y, 100, true);
            String geom = switch (i % 4) {
                case 0 -> "{\"type\":\"Polygon\",\"coordinates\":[" + shell + "]}";
                case 1 -> "{\"type\":\"Polygon\",\"coordinates\":[" + shell + "," + square(x + 10, y + 10, 20, false)
                        + "," + square(x + 50, y + 50, 20, false) + "]}";
                case 2 -> "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + shell + "," + square(x + 10, y + 10, 5, false)
                        + "],[" + square(x + 500, y, 50, true) + "]]}";
                default -> "null";
            };
            json.append(i == 0 ? "" : ",").append("{\"type\":\"Feature\",\"properties\":{")
                    .append("\"population_2020\":").append(i % 5 == 0 ? "null" : String.valueOf(r.nextInt(100000)))
                    .append(",\"population_2021\":").append(r.nextInt(100000))
                    .append(",\"area\":").append(i % 7 == 0 ? "null" : String.valueOf(r.nextInt(100000) / 8.0))
                    .append(",\"big\":").append(10000000000L + i)
                    .append(",\"name\":").append(i % 6 == 0 ? "null" : "\"" + names[i % 4] + " " + i + "\"")
                    .append(",\"day\":\"2020-0").append(1 + i % 9).append("-1").append(i % 10).append("\"")
                    .append("},\"geometry\":").append(geom).append("}");
        }
        json.append("]}");
        Path geojson = dir.resolve("in.geojson");
        Files.writeString(geojson, json);
        Path shp = dir.resolve("gdal.shp");
        Gdal.run(Map.of(), "ogr2ogr", "-f", "ESRI Shapefile", shp.toString(), geojson.toString(),
                "-a_srs", "EPSG:2056", "-lco", "ENCODING=UTF-8");

        LayerDef def = ShpFixture.layerOf(shp);
        assertThat(def.crsCode()).isEqualTo("EPSG:2056");
        assertThat(def.geometryKind()).isEqualTo(GeometryKind.MULTIPOLYGON);
        assertThat(def.fields()).extracting(FieldDef::name)
                .containsExactly("population", "populati_1", "area", "big", "name", "day");
        assertThat(def.fields()).extracting(FieldDef::type).containsExactly(FieldType.INTEGER, FieldType.INTEGER,
                FieldType.DOUBLE, FieldType.LONG, FieldType.STRING, FieldType.DATE);
        assertSameAsGdal(ShpFixture.read(shp), gdalRows(shp), def);
    }

    @Test
    void gdalWrittenThreeDimensionalLinesReadAsGdalReadsThem() throws Exception {
        StringBuilder json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        Random r = new Random(5);
        for (int i = 0; i < 15; i++) {
            String a = "[" + r.nextInt(100) + "," + r.nextInt(100) + "," + r.nextInt(500) + "]";
            String b = "[" + r.nextInt(100) + "," + r.nextInt(100) + "," + r.nextInt(500) + "]";
            String geom = i % 2 == 0 ? "{\"type\":\"LineString\",\"coordinates\":[" + a + "," + b + "]}"
                    : "{\"type\":\"MultiLineString\",\"coordinates\":[[" + a + "," + b + "],[" + b + "," + a + "]]}";
            json.append(i == 0 ? "" : ",").append("{\"type\":\"Feature\",\"properties\":{\"k\":").append(i)
                    .append("},\"geometry\":").append(geom).append("}");
        }
        Path geojson = dir.resolve("lines.geojson");
        Files.writeString(geojson, json.append("]}"));
        Path shp = dir.resolve("lines.shp");
        Gdal.run(Map.of(), "ogr2ogr", "-f", "ESRI Shapefile", shp.toString(), geojson.toString());
        LayerDef def = ShpFixture.layerOf(shp);
        assertThat(def.hasZ()).isTrue();
        assertThat(def.hasM()).isFalse();
        assertThat(def.crsCode()).as("GDAL writes GeoJSON's WGS 84 as ESRI GCS_WGS_1984").isEqualTo("EPSG:4326");
        assertSameAsGdal(ShpFixture.read(shp), gdalRows(shp), def);
    }

    @Test
    void gdalReadsOurOutputWithCountsCrsFieldTypesAndValues() throws Exception {
        ShpFixture fx = new ShpFixture(77, false, false);
        List<FieldDef> fields = List.of(FieldDef.of("population_2020", FieldType.LONG),
                FieldDef.of("population_2021", FieldType.LONG), FieldDef.of("code", FieldType.INTEGER),
                new FieldDef("code9", FieldType.INTEGER, 9, 0), FieldDef.of("ratio", FieldType.DOUBLE),
                new FieldDef("name", FieldType.STRING, 50, 0), FieldDef.of("ok", FieldType.BOOLEAN),
                FieldDef.of("day", FieldType.DATE));
        List<Feature> in = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Geometry g = i % 5 == 4 ? null : i % 2 == 0 ? fx.polygon(2600000 + i * 100, 1200000, i % 3)
                    : ShpFixture.GF.createMultiPolygon(new Polygon[] {fx.polygon(2600000 + i * 100, 1200000, 1),
                        fx.polygon(2600000 + i * 100, 1200050, 0)});
            in.add(new Feature(i, g, new Object[] {i % 3 == 0 ? null : 1000000000000L + i, (long) i,
                (long) -i, (long) i * 3, i * 0.125, i % 4 == 0 ? null : "Zürich 東京 " + i, i % 2 == 0,
                LocalDate.of(2020, 1 + i % 12, 1 + i)}));
        }
        Path shp = dir.resolve("ours.shp");
        LayerDef def = new LayerDef("ours", GeometryKind.MULTIPOLYGON, false, false,
                CrsResolver.forCode("EPSG:2056"), "EPSG:2056", fields, -1);
        ShpFixture.write(shp, def, in);

        String info = Gdal.run(Map.of(), "ogrinfo", "-so", "-al", shp.toString());
        assertThat(info).contains("Feature Count: 25", "Geometry: Polygon", "ID[\"EPSG\",2056]]",
                "population: Integer64 (18.0)", "populati_1: Integer64 (18.0)", "code: Integer64 (11.0)",
                "code9: Integer (9.0)", "ratio: Real (24.15)", "name: String (50.0)", "ok: String (1.0)",
                "day: Date (10.0)");
        LayerDef back = ShpFixture.layerOf(shp);
        assertThat(back.crsCode()).isEqualTo("EPSG:2056");
        List<List<String>> rows = gdalRows(shp);
        // GDAL 3.6 reads a dBase L field as a one-character String: T or F
        for (List<String> row : rows) {
            row.set(7, row.get(7).equals("T") ? "true" : row.get(7).equals("F") ? "false" : "");
        }
        assertSameAsGdal(ShpFixture.read(shp), rows, back);
        assertSameAsGdal(in, rows, back);
    }

    @Test
    void gdalReadsOurMeasuredThreeDimensionalLinesAndPoints() throws Exception {
        ShpFixture fx = new ShpFixture(78, true, true);
        List<Feature> lines = new ArrayList<>();
        List<Feature> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add(new Feature(i, i % 2 == 0 ? fx.line(3) : ShpFixture.GF.createMultiLineString(
                    new LineString[] {fx.line(2), fx.line(4)}), new Object[0]));
            points.add(new Feature(i, fx.point(), new Object[0]));
        }
        Path l = dir.resolve("zm_lines.shp");
        Path p = dir.resolve("zm_points.shp");
        ShpFixture.write(l, new LayerDef("zm_lines", GeometryKind.MULTILINESTRING, true, true,
                CrsResolver.forCode("EPSG:4326"), "EPSG:4326", List.of(), -1), lines);
        ShpFixture.write(p, ShpFixture.layer("zm_points", GeometryKind.POINT, true, true, List.of()), points);
        assertThat(Gdal.run(Map.of(), "ogrinfo", "-so", "-al", l.toString()))
                .contains("Geometry: 3D Measured Line String", "Feature Count: 10", "ID[\"EPSG\",4326]]");
        assertThat(Gdal.run(Map.of(), "ogrinfo", "-so", "-al", p.toString()))
                .contains("Geometry: 3D Measured Point");
        for (Path shp : List.of(l, p)) {
            LayerDef def = ShpFixture.layerOf(shp);
            List<List<String>> rows = gdalRows(shp);
            for (int i = 0; i < rows.size(); i++) {
                Geometry g = new WKTReader().read(rows.get(i).get(0));
                Geometry ours = (shp == l ? lines : points).get(i).geometry();
                assertThat(ShpFixture.sameCoordinates(g, ours)).as("%s feature %d: %s vs %s", shp.getFileName(), i,
                        g, ours).isTrue();
            }
            assertThat(def.hasZ() && def.hasM()).isTrue();
        }
    }

    @ParameterizedTest
    // 32632 and 3857 also pass but take 10-30 s each on a busy 2-core machine (same path as 25832)
    @ValueSource(strings = {"EPSG:4326", "EPSG:25832", "EPSG:2056", "EPSG:27700"})
    void prjWrittenByGdalMatchesItsEpsgCodeAndOursReadsBackInGdal(String code) throws Exception {
        Path geojson = dir.resolve("p.geojson");
        Files.writeString(geojson, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                + "\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}");
        Path gdal = dir.resolve("g.shp");
        Gdal.run(Map.of(), "ogr2ogr", "-f", "ESRI Shapefile", gdal.toString(), geojson.toString(),
                "-a_srs", code);
        LayerDef def = ShpFixture.layerOf(gdal);
        assertThat(def.crsCode()).as(Files.readString(dir.resolve("g.prj"))).isEqualTo(code);

        Path ours = dir.resolve("o.shp");
        ShpFixture.write(ours, new LayerDef("o", GeometryKind.POINT, false, false, def.crs(), def.crsCode(),
                def.fields(), -1), ShpFixture.read(gdal));
        assertThat(Gdal.run(Map.of(), "ogrinfo", "-so", "-al", ours.toString()))
                .contains("ID[\"EPSG\"," + code.substring(5) + "]]", "Data axis to CRS axis mapping: "
                        + (code.equals("EPSG:4326") ? "2,1" : "1,2"));
    }

    private static String square(double x, double y, double size, boolean ccw) {
        double[][] pts = ccw
                ? new double[][] {{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
                : new double[][] {{x, y}, {x, y + size}, {x + size, y + size}, {x + size, y}, {x, y}};
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < pts.length; i++) {
            sb.append(i == 0 ? "" : ",").append('[').append(pts[i][0]).append(',').append(pts[i][1]).append(']');
        }
        return sb.append(']').toString();
    }
}
