package dev.cairn.geo.geojson;

import dev.cairn.geo.testing.Gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GDAL as the oracle: files ogr2ogr writes read back, and files we write read by ogrinfo. */
class GeoJsonGdalInteropTest {
    private static final Pattern FIELD_LINE = Pattern.compile("(?m)^(\\w+): ([\\w()]+) \\(");
    private static final Map<String, FieldType> GDAL_TYPES = Map.of(
            "String", FieldType.STRING, "Integer", FieldType.INTEGER, "Integer64", FieldType.LONG,
            "Real", FieldType.DOUBLE, "Integer(Boolean)", FieldType.BOOLEAN, "Date", FieldType.DATE,
            "DateTime", FieldType.DATETIME);
    private static final String[] NAMES = {"Zürich", "東京", "São \"Paulo\"", "a, b", "plain"};

    @ParameterizedTest
    @CsvSource({"GeoJSON, in.geojson", "GeoJSONSeq, in.geojsons", "GeoJSONSeq, in.geojsonl"})
    void fileWrittenByOgr2ogrReadsBackWithTheFeaturesAndTypesOgrinfoReports(String driver, String name, @TempDir Path dir)
            throws Exception {
        Gdal.require();
        List<Object[]> rows = csvRows(11, 200);
        Path csv = writeCsv(dir, rows);
        Path file = dir.resolve(name);
        Gdal.run("ogr2ogr", "-f", driver, file.toString(), csv.toString(), "-a_srs", "EPSG:4326",
                "-oo", "KEEP_GEOM_COLUMNS=NO", "-nln", "in");
        String info = Gdal.run("ogrinfo", "-al", "-so", file.toString());
        FormatProvider provider = name.endsWith(".geojson") ? new GeoJsonProvider() : new GeoJsonSeqProvider();

        assertThat(provider.probe(file, GeoJsonProbeTest.head(file))).isTrue();
        try (FeatureSource source = provider.open(file)) {
            LayerDef def = source.layers().get(0);
            assertThat(def.fields()).isEqualTo(gdalFields(info));
            assertThat(info).contains("Feature Count: " + def.featureCount());
            assertThat(def.crsCode()).isEqualTo("EPSG:4326");
            List<Feature> read = SampleLayer.readAll(source, 0, -1);
            assertThat(read).hasSize(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Object[] row = rows.get(i);
                Feature f = read.get(i);
                assertThat(f.fid()).isEqualTo(i);
                assertThat(f.geometry().getCoordinate().x).isEqualTo((double) row[0]);
                assertThat(f.geometry().getCoordinate().y).isEqualTo((double) row[1]);
                Object[] expected = java.util.Arrays.copyOfRange(row, 2, row.length);
                if (expected[0] == null) {
                    expected[0] = ""; // CSV, the source GDAL converted, cannot tell an empty string from null
                }
                assertThat(f.values()).as("row %d", i).containsExactly(expected);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"out.geojson, GeoJSON", "out.geojsons, GeoJSONSeq", "out.geojsonl, GeoJSONSeq"})
    void ogrinfoReadsOurOutputWithCountsAndFieldTypes(String name, String driver, @TempDir Path dir) throws Exception {
        Gdal.require();
        List<Feature> features = SampleLayer.features(5, 250);
        Path file = dir.resolve(name);
        FormatProvider provider = name.endsWith(".geojson") ? new GeoJsonProvider() : new GeoJsonSeqProvider();
        SampleLayer.write(provider, file, SampleLayer.layer("out", SampleLayer.ALL_TYPES, true), features);

        String info = Gdal.run("ogrinfo", "-al", "-so", file.toString());
        assertThat(info).contains("using driver `" + driver + "'").contains("Feature Count: 250").contains("Geometry: 3D Point");
        assertThat(gdalFields(info)).isEqualTo(SampleLayer.ALL_TYPES);

        String first = Gdal.run("ogrinfo", "-al", "-q", "-fid", "0", file.toString());
        Object[] v = features.get(0).values();
        assertThat(first).contains("name (String) = " + v[0]).contains("count (Integer64) = " + v[2])
                .contains("day (Date) = " + v[5].toString().replace('-', '/'));
        String wkt = features.get(0).geometry().getCoordinate().x + " " + features.get(0).geometry().getCoordinate().y;
        assertThat(first.replace("POINT Z (", "POINT (")).contains("POINT (" + wkt);
    }

    private static List<FieldDef> gdalFields(String ogrinfo) {
        Map<String, FieldType> out = new LinkedHashMap<>();
        Matcher m = FIELD_LINE.matcher(ogrinfo.substring(ogrinfo.indexOf("Data axis")));
        while (m.find()) {
            out.put(m.group(1), GDAL_TYPES.getOrDefault(m.group(2), FieldType.BINARY));
        }
        List<FieldDef> defs = new ArrayList<>();
        out.forEach((n, t) -> defs.add(FieldDef.of(n, t)));
        return defs;
    }

    /** x, y, name, small, count, ratio, flag, day, at; the first row has every value. */
    private static List<Object[]> csvRows(long seed, int n) {
        Random r = new Random(seed);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean full = i == 0;
            rows.add(new Object[] {
                Math.round(r.nextDouble() * 360e7 - 180e7) / 1e7,
                Math.round(r.nextDouble() * 180e7 - 90e7) / 1e7,
                full || r.nextInt(4) > 0 ? NAMES[r.nextInt(NAMES.length)] + i : null,
                full || r.nextInt(4) > 0 ? (Object) (long) r.nextInt(1_000_000) : null,
                full ? (Object) 5_000_000_000L : r.nextInt(4) > 0 ? (Object) (long) r.nextInt() : null,
                full || r.nextInt(4) > 0 ? (Object) (r.nextInt(2_000_000) / 1000.0 + 0.5) : null,
                full || r.nextInt(4) > 0 ? (Object) r.nextBoolean() : null,
                full || r.nextInt(4) > 0 ? LocalDate.of(1950 + r.nextInt(100), 1 + r.nextInt(12), 1 + r.nextInt(28)) : null,
                full || r.nextInt(4) > 0 ? String.format("20%02d-%02d-%02dT%02d:%02d:%02dZ", r.nextInt(30), 1 + r.nextInt(12),
                        1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60)) : null,
            });
        }
        return rows;
    }

    private static Path writeCsv(Path dir, List<Object[]> rows) throws Exception {
        StringBuilder csv = new StringBuilder("WKT,name,small,count,ratio,flag,day,at\n");
        for (Object[] row : rows) {
            csv.append("\"POINT (").append(row[0]).append(' ').append(row[1]).append(")\"");
            for (int i = 2; i < row.length; i++) {
                Object v = row[i];
                csv.append(',');
                if (v instanceof String s) {
                    csv.append('"').append(s.replace("\"", "\"\"")).append('"');
                } else if (v instanceof Boolean b) {
                    csv.append(b ? 1 : 0);
                } else if (v != null) {
                    csv.append(v);
                }
            }
            csv.append('\n');
        }
        Files.writeString(dir.resolve("src.csvt"),
                "\"WKT\",\"String\",\"Integer\",\"Integer64\",\"Real\",\"Integer(Boolean)\",\"Date\",\"DateTime\"\n");
        return Files.writeString(dir.resolve("src.csv"), csv, StandardCharsets.UTF_8);
    }
}
