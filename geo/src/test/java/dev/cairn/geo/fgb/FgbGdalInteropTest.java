package dev.cairn.geo.fgb;

import static dev.cairn.geo.fgb.FgbFixture.ALL_TYPES;
import static dev.cairn.geo.fgb.FgbFixture.layer;
import static dev.cairn.geo.fgb.FgbFixture.layerOf;
import static dev.cairn.geo.fgb.FgbFixture.read;
import static dev.cairn.geo.fgb.FgbFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.testing.Gdal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.io.WKTReader;

/** GDAL as the oracle: it reads what we write, we read what it writes. */
class FgbGdalInteropTest {
    private static final Pattern ID = Pattern.compile("^\\s+id \\(Integer64\\) = (\\d+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void ogrinfoReportsOurCountGeometryTypeCrsAndFieldTypes() throws Exception {
        Gdal.require();
        FgbFixture fx = new FgbFixture(21, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 250; i++) {
            in.add(new Feature(i, fx.polygonWithHoles(), fx.values(i)));
        }
        Path file = write(dir.resolve("parcels.fgb"), layer("parcels", GeometryKind.POLYGON, false, ALL_TYPES,
                "EPSG:2056"), in);

        String info = Gdal.run("ogrinfo", "-al", "-so", file.toString());
        assertThat(info).contains("Geometry: Polygon").contains("Feature Count: 250")
                .contains("ID[\"EPSG\",2056]")
                .contains("id: Integer64").contains("i: Integer").contains("d: Real").contains("s: String")
                .contains("b: Integer(Boolean)").contains("day: DateTime").contains("ts: DateTime")
                .contains("bin: Binary");
        String full = Gdal.run("ogrinfo", "-al", "-q", file.toString());
        assertThat(full).contains("s (String) = naïve – 東京 ");
    }

    @Test
    void gdalSpatialFilterThroughOurIndexReturnsExactlyTheFeaturesInTheRectangle() throws Exception {
        Gdal.require();
        FgbFixture fx = new FgbFixture(33, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 2000; i++) {
            in.add(new Feature(i, fx.point(), new Object[] {i}));
        }
        Path file = write(dir.resolve("pts.fgb"), layer("pts", GeometryKind.POINT, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), in);
        Random r = new Random(5);
        for (int q = 0; q < 5; q++) {
            double x = r.nextDouble() * 80;
            double y = r.nextDouble() * 80;
            Envelope box = new Envelope(x, x + 15, y, y + 10);
            Set<Long> expected = new TreeSet<>();
            for (Feature f : in) {
                if (box.contains(f.geometry().getCoordinate())) {
                    expected.add(f.fid());
                }
            }
            String out = Gdal.run("ogrinfo", "-al", "-q", "-spat", "" + box.getMinX(), "" + box.getMinY(),
                    "" + box.getMaxX(), "" + box.getMaxY(), file.toString());
            Set<Long> got = new TreeSet<>();
            Matcher m = ID.matcher(out);
            while (m.find()) {
                got.add(Long.parseLong(m.group(1)));
            }
            assertThat(got).as("query %s", box).isEqualTo(expected).isNotEmpty();
        }
    }

    @Test
    void weReadAGdalWrittenFileAsOgrinfoDoes() throws Exception {
        Gdal.require();
        StringBuilder json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        Random r = new Random(77);
        for (int i = 0; i < 300; i++) {
            double x = 5 + r.nextInt(5000) / 1000.0;
            double y = 45 + r.nextInt(3000) / 1000.0;
            String geometry = i % 10 == 9
                    ? "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":["
                    + x + "," + y + "]},{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]]}]}"
                    : i % 3 == 0
                    ? "{\"type\":\"Point\",\"coordinates\":[" + x + "," + y + "]}"
                    : i % 3 == 1 ? "{\"type\":\"LineString\",\"coordinates\":[[" + x + "," + y + "],[" + (x + 0.1)
                    + "," + (y + 0.2) + "]]}"
                    : "{\"type\":\"Polygon\",\"coordinates\":[[[" + x + "," + y + "],[" + (x + 1) + "," + y + "],["
                    + (x + 1) + "," + (y + 1) + "],[" + x + "," + y + "]]]}";
            json.append(i == 0 ? "" : ",").append("{\"type\":\"Feature\",\"properties\":{\"id\":").append(i)
                    .append(",\"name\":").append(i % 4 == 0 ? "null" : "\"Zürich " + i + "\"")
                    .append(",\"v\":").append(i * 1.5).append(",\"day\":\"2024-02-").append(10 + i % 19)
                    .append("\"},\"geometry\":").append(geometry).append('}');
        }
        json.append("]}");
        Path geojson = Files.writeString(dir.resolve("in.geojson"), json, StandardCharsets.UTF_8);
        Path fgb = dir.resolve("gdal.fgb");
        Gdal.run("ogr2ogr", "-f", "FlatGeobuf", "-a_srs", "EPSG:4326", "-nlt", "GEOMETRY", fgb.toString(),
                geojson.toString());

        LayerDef def = layerOf(fgb);
        assertThat(def.featureCount()).isEqualTo(300);
        assertThat(def.crsCode()).isEqualTo("EPSG:4326");
        assertThat(def.geometryKind()).isEqualTo(GeometryKind.GEOMETRY);
        assertThat(def.fields()).extracting(FieldDef::name).containsExactly("id", "name", "v", "day");
        assertThat(def.fields()).extracting(FieldDef::type).containsExactly(FieldType.INTEGER, FieldType.STRING,
                FieldType.DOUBLE, FieldType.DATETIME);

        List<Feature> ours = read(fgb, 0, -1);
        String info = Gdal.run("ogrinfo", "-al", "-q", fgb.toString());
        // ogrinfo prints "OGRFeature(LAYER):FID", the set attributes (an absent one is skipped),
        // then the geometry as WKT
        Pattern feature = Pattern.compile("OGRFeature\\(in\\):(\\d+)\\n\\s+id \\(Integer\\) = (\\d+)\\n"
                + "(?:\\s+name \\(String\\) = (.*)\\n)?\\s+v \\(Real\\) = (.*)\\n"
                + "\\s+day \\(DateTime\\) = (.*)\\n\\s+(.*)\\n");
        Matcher m = feature.matcher(info);
        WKTReader wkt = new WKTReader();
        int n = 0;
        while (m.find()) {
            Feature f = ours.get(n);
            assertThat(f.fid()).isEqualTo(n).isEqualTo(Long.parseLong(m.group(1)));
            assertThat(f.values()[0]).isEqualTo(Long.parseLong(m.group(2)));
            assertThat(f.values()[1]).isEqualTo(m.group(3));
            assertThat((Double) f.values()[2]).isEqualTo(Double.parseDouble(m.group(4)));
            assertThat(((String) f.values()[3]).replace('-', '/').replace('T', ' ')).isEqualTo(m.group(5));
            assertThat(f.geometry().equalsExact(wkt.read(m.group(6).trim()), 1e-9)).as("fid %d", f.fid()).isTrue();
            n++;
        }
        assertThat(n).isEqualTo(300);
    }

    @Test
    void gdalReadsOurNullGeometryFeatures() throws Exception {
        Gdal.require();
        FgbFixture fx = new FgbFixture(1, false);
        Path file = write(dir.resolve("nulls.fgb"), layer("nulls", GeometryKind.POINT, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), List.of(
                new Feature(0, fx.point(), new Object[] {0L}),
                new Feature(1, null, new Object[] {1L}),
                new Feature(2, fx.point(), new Object[] {2L})));
        String info = Gdal.run("ogrinfo", "-al", "-q", file.toString());
        // GDAL shows a feature without geometry as attributes only
        assertThat(info).containsPattern("OGRFeature\\(nulls\\):\\d\\n  id \\(Integer64\\) = 1\\n\\n")
                .doesNotContain("ERROR");
        assertThat(info.split("POINT \\(", -1)).hasSize(3);
    }

    @Test
    void gdalReadsEveryGeometryKindOfOurMixedLayerIncludingCollections() throws Exception {
        Gdal.require();
        FgbFixture fx = new FgbFixture(99, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < 70; i++) {
            in.add(new Feature(i, fx.any((int) i), new Object[] {i}));
        }
        Path file = write(dir.resolve("mixed.fgb"), layer("mixed", GeometryKind.GEOMETRY, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), in);
        String info = Gdal.run("ogrinfo", "-al", "-q", file.toString());
        Matcher m = Pattern.compile("id \\(Integer64\\) = (\\d+)\\n\\s+(.*)\\n").matcher(info);
        WKTReader wkt = new WKTReader();
        int n = 0;
        while (m.find()) {
            Feature f = in.get(Integer.parseInt(m.group(1)));
            org.locationtech.jts.geom.Geometry g = wkt.read(m.group(2).trim());
            assertThat(g.getGeometryType()).isEqualTo(f.geometry().getGeometryType());
            assertThat(g.equalsExact(f.geometry(), 1e-9)).as("id %d: %s", f.fid(), m.group(2)).isTrue();
            n++;
        }
        assertThat(n).isEqualTo(70);
    }

    /**
     * GDAL fails on a Point without coordinates and on a MultiPolygon or MultiLineString without
     * parts ("Unexpected nullptr: parts data"): empty geometries and empty parts are left out, so
     * GDAL reads every feature, attributes and all.
     */
    @Test
    void gdalReadsEveryFeatureOfALayerWithEmptyGeometriesAndEmptyParts() throws Exception {
        Gdal.require();
        WKTReader wkt = new WKTReader();
        String[] geometries = {
            "POINT EMPTY", "LINESTRING EMPTY", "POLYGON EMPTY", "MULTIPOINT EMPTY", "MULTILINESTRING EMPTY",
            "MULTIPOLYGON EMPTY", "GEOMETRYCOLLECTION EMPTY", "GEOMETRYCOLLECTION (POINT EMPTY, POINT (1 2))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY)", "MULTILINESTRING ((0 0, 1 1), EMPTY)", "POINT (3 4)"};
        List<Feature> in = new ArrayList<>();
        for (int i = 0; i < geometries.length; i++) {
            in.add(new Feature(i, wkt.read(geometries[i]), new Object[] {(long) i}));
        }
        Path mixed = write(dir.resolve("empties.fgb"), layer("empties", GeometryKind.GEOMETRY, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), in);
        String info = Gdal.run("ogrinfo", "-al", "-q", mixed.toString());
        assertThat(info).doesNotContain("ERROR");
        assertThat(Pattern.compile("id \\(Integer64\\) = ").matcher(info).results().count()).isEqualTo(geometries.length);
        assertThat(info).contains("GEOMETRYCOLLECTION (POINT (1 2))", "MULTIPOLYGON (((0 0,1 0,1 1,0 0)))",
                "MULTILINESTRING ((0 0,1 1))", "POINT (3 4)");
        List<Feature> back = read(mixed, 0, -1);
        assertThat(back).hasSize(geometries.length);
        assertThat(back.get(9).geometry().toText()).isEqualTo("MULTILINESTRING ((0 0, 1 1))");
        assertThat(back.get(5).geometry()).isNull();

        List<Feature> polygons = List.of(new Feature(0, wkt.read("MULTIPOLYGON EMPTY"), new Object[] {0L}),
                new Feature(1, wkt.read("POLYGON ((0 0, 1 0, 1 1, 0 0))"), new Object[] {1L}));
        Path typed = write(dir.resolve("typed.fgb"), layer("typed", GeometryKind.MULTIPOLYGON, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), polygons);
        String typedInfo = Gdal.run("ogrinfo", "-al", "-q", typed.toString());
        assertThat(typedInfo).doesNotContain("ERROR").contains("id (Integer64) = 0", "id (Integer64) = 1",
                "MULTIPOLYGON (((0 0,1 0,1 1,0 0)))");
    }

    /** A decimal's digits go where the FlatGeobuf schema and GDAL keep them: precision and scale. */
    @Test
    void decimalWidthAndPrecisionReadTheSameInGdalAndBackInCairn() throws Exception {
        Gdal.require();
        List<FieldDef> fields = List.of(new FieldDef("area", FieldType.DOUBLE, 24, 15), new FieldDef("code", FieldType.STRING, 12, 0),
                new FieldDef("n", FieldType.LONG, 18, 0));
        Path file = write(dir.resolve("decimals.fgb"), layer("decimals", GeometryKind.POINT, false, fields, "EPSG:4326"),
                List.of(new Feature(0, new WKTReader().read("POINT (1 2)"), new Object[] {256.750131663763341, "x", 7L})));
        assertThat(Gdal.run("ogrinfo", "-so", "-al", file.toString()))
                .contains("area: Real (24.15)", "code: String (12.0)", "n: Integer64 (18.0)");
        assertThat(layerOf(file).fields()).isEqualTo(fields);
    }

    /** A layer without features has no index (GDAL refuses a node size with 0 items). */
    @Test
    void gdalReadsALayerWithoutFeatures() throws Exception {
        Gdal.require();
        Path file = write(dir.resolve("none.fgb"), layer("none", GeometryKind.POLYGON, false,
                List.of(FieldDef.of("id", FieldType.LONG)), "EPSG:4326"), List.of());
        String info = Gdal.run("ogrinfo", "-al", file.toString());
        assertThat(info).doesNotContain("ERROR").contains("Feature Count: 0");
    }

    /** XYM coordinates (a Shapefile's PolylineM) are written with their measures. */
    @Test
    void measuredLinesWithoutZAreWrittenWithTheirMeasures() throws Exception {
        Gdal.require();
        var gf = new org.locationtech.jts.geom.GeometryFactory();
        var seq = new org.locationtech.jts.geom.impl.CoordinateArraySequence(new org.locationtech.jts.geom.Coordinate[] {
            new org.locationtech.jts.geom.CoordinateXYM(1, 2, 10), new org.locationtech.jts.geom.CoordinateXYM(3, 4, 20)}, 3, 1);
        Path file = write(dir.resolve("m.fgb"), new LayerDef("m", GeometryKind.MULTILINESTRING, false, true, null, null,
                List.of(FieldDef.of("id", FieldType.LONG)), 1), List.of(new Feature(0, gf.createLineString(seq), new Object[] {0L})));
        String info = Gdal.run("ogrinfo", "-al", "-q", file.toString());
        assertThat(info).doesNotContain("ERROR").contains("MULTILINESTRING M ((1 2 10,3 4 20))");
    }
}
