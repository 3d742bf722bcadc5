package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import dev.cairn.geo.testing.Gdal;

class GpkgFeatureSinkTest {
    private static final GpkgProvider GPKG = new GpkgProvider();
    private static final List<FieldDef> ALL_TYPES = List.of(
            FieldDef.of("i", FieldType.INTEGER), FieldDef.of("l", FieldType.LONG), FieldDef.of("d", FieldType.DOUBLE),
            new FieldDef("s", FieldType.STRING, 20, 0), FieldDef.of("t", FieldType.STRING),
            FieldDef.of("b", FieldType.BOOLEAN), FieldDef.of("day", FieldType.DATE),
            FieldDef.of("ts", FieldType.DATETIME), FieldDef.of("bin", FieldType.BINARY));

    @TempDir
    Path dir;

    @Test
    void everyFieldTypeIsDeclaredAsGdalDeclaresItAndReadsBackUnchanged() throws Exception {
        Path out = dir.resolve("types.gpkg");
        GeometryFactory gf = new GeometryFactory();
        Object[] values = {7L, 1L << 40, 0.1 + 0.2, "Zürich", "東京", true, LocalDate.of(1291, 8, 1),
            "2024-06-01T12:34:56.789Z", new byte[] {1, 2, (byte) 0xff}};
        try (FeatureSink sink = GPKG.create(out)) {
            sink.beginLayer(new LayerDef("things", GeometryKind.POINT, false, false,
                    CrsResolver.forCode("EPSG:2056"), "EPSG:2056", ALL_TYPES, -1));
            sink.write(new Feature(42, gf.createPoint(new Coordinate(2600000.5, 1200000.25)), values));
            sink.write(new Feature(43, null, new Object[ALL_TYPES.size()]));
            sink.endLayer();
            sink.finish();
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA table_info(things)")) {
            List<String> declared = new ArrayList<>();
            while (rs.next()) {
                declared.add(rs.getString("name") + " " + rs.getString("type"));
            }
            assertThat(declared).containsExactly("fid INTEGER", "geom POINT", "i MEDIUMINT", "l INTEGER", "d REAL",
                    "s TEXT(20)", "t TEXT", "b BOOLEAN", "day DATE", "ts DATETIME", "bin BLOB");
        }
        try (FeatureSource source = GPKG.open(out)) {
            LayerDef layer = source.layers().get(0);
            assertThat(layer.fields()).isEqualTo(ALL_TYPES);
            assertThat(layer.crsCode()).isEqualTo("EPSG:2056");
            assertThat(layer.featureCount()).isEqualTo(2);
            try (FeatureCursor cursor = source.cursor(0, 0, -1)) {
                Feature f = cursor.next();
                assertThat(f.fid()).isEqualTo(42);
                assertThat(f.geometry().getCoordinate()).isEqualTo(new Coordinate(2600000.5, 1200000.25));
                assertThat(f.values()).containsExactly(values);
                Feature empty = cursor.next();
                assertThat(empty.fid()).isEqualTo(43);
                assertThat(empty.geometry()).isNull();
                assertThat(empty.values()).containsOnlyNulls();
                assertThat(cursor.next()).isNull();
            }
        }
    }

    @Test
    void cursorRangesByFidTogetherYieldTheWholeLayer() throws Exception {
        Path in = dir.resolve("s.gpkg");
        SampleData.writeGpkg(in, List.of(new LayerSpec("s", GeometryKind.POINT, 2056, 50)), 41);
        try (FeatureSource source = GPKG.open(in)) {
            List<Long> whole = fids(source, 0, -1);
            List<Long> parts = new ArrayList<>(fids(source, 0, 17));
            parts.addAll(fids(source, 17, -1));
            assertThat(whole).hasSize(50).isSorted().isEqualTo(parts);
        }
    }

    private static List<Long> fids(FeatureSource source, long offset, long limit) throws Exception {
        List<Long> out = new ArrayList<>();
        try (FeatureCursor c = source.cursor(0, offset, limit)) {
            for (Feature f = c.next(); f != null; f = c.next()) {
                out.add(f.fid());
            }
        }
        return out;
    }

    @Test
    void gpkgWrittenFromGeoJsonShowsTheFieldTypesOgr2ogrWrites() throws Exception {
        Gdal.require();
        Path json = Files.writeString(dir.resolve("in.geojson"), """
                {"type":"FeatureCollection","features":[
                {"type":"Feature","id":1,"properties":{"small":5,"big":12345678901,"real":1.5,"text":"a",\
                "flag":true,"day":"2024-01-31","stamp":"2024-01-31T10:00:00Z"},\
                "geometry":{"type":"Point","coordinates":[8.5,47.3]}},
                {"type":"Feature","id":2,"properties":{"small":-3,"big":1,"real":2,"text":"bcd",\
                "flag":false,"day":"1999-12-31","stamp":"1999-12-31T23:59:59Z"},\
                "geometry":{"type":"Point","coordinates":[9.5,46.3]}}
                ]}""");
        Path ours = dir.resolve("ours.gpkg");
        Path theirs = dir.resolve("theirs.gpkg");

        dev.cairn.geo.format.FormatProvider geojson = new dev.cairn.geo.geojson.GeoJsonProvider();
        try (FeatureSource source = geojson.open(json); FeatureSink sink = GPKG.create(ours)) {
            LayerDef layer = source.layers().get(0);
            sink.beginLayer(layer);
            try (FeatureCursor c = source.cursor(0, 0, -1)) {
                for (Feature f = c.next(); f != null; f = c.next()) {
                    sink.write(f);
                }
            }
            sink.endLayer();
            sink.finish();
        }
        Gdal.run("ogr2ogr", "-f", "GPKG", theirs.toString(), json.toString());

        assertThat(fieldLines(Gdal.run("ogrinfo", "-ro", "-so", "-al", ours.toString())))
                .isEqualTo(fieldLines(Gdal.run("ogrinfo", "-ro", "-so", "-al", theirs.toString())))
                .hasSize(7);
    }

    /** The "name: Type (w.p)" lines of an {@code ogrinfo -so} report. */
    private static List<String> fieldLines(String info) {
        Matcher m = Pattern.compile("(?m)^(\\w+: [\\w()]+ \\(\\d+\\.\\d+\\))$").matcher(info);
        List<String> lines = new ArrayList<>();
        while (m.find()) {
            lines.add(m.group(1));
        }
        return lines;
    }
}
