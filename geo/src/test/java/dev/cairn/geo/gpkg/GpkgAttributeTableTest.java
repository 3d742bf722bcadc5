package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;

import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FormatRegistry;
import dev.cairn.geo.testing.CountingContext;
import dev.cairn.geo.testing.Gdal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GeoPackage attribute tables ({@code gpkg_contents.data_type = 'attributes'}) in files GDAL
 * wrote: read as layers without geometry or CRS, copied as attribute tables into GeoPackage (the
 * byte-level path, the generic sink and the chunks' staging file) and into the other formats as
 * ogr2ogr writes them (a lone .dbf, features with a null geometry).
 */
class GpkgAttributeTableTest {
    private static final FormatRegistry FORMATS = FormatRegistry.load();

    /** Integer, text (non-ASCII, a comma, an empty value), real (a NULL), date (a NULL). */
    private static final String CODES_CSV = """
            code,label,weight,since
            1,alpha,1.5,2024-01-02
            2,"béta, two",,2024-03-04
            30,,-7.25,
            """;

    /** An attribute table "codes" alone, written by ogr2ogr from CSV. */
    static Path onlyAttributes(Path dir) throws Exception {
        Gdal.require();
        Path csv = dir.resolve("codes.csv");
        Files.writeString(csv, CODES_CSV, StandardCharsets.UTF_8);
        Path gpkg = dir.resolve("only.gpkg");
        Gdal.run("ogr2ogr", "-f", "GPKG", gpkg.toString(), csv.toString(), "-nln", "codes", "-oo", "AUTODETECT_TYPE=YES");
        return gpkg;
    }

    /** A point layer "towns" in EPSG:2056 and the attribute table "codes", written by ogr2ogr. */
    static Path featuresAndAttributes(Path dir) throws Exception {
        Path gpkg = onlyAttributes(dir);
        Path towns = dir.resolve("towns.csv");
        Files.writeString(towns, """
                WKT,name,pop
                "POINT (2600000 1200000)",Bern,134000
                "POINT (2683000 1248000)",Zürich,421000
                """, StandardCharsets.UTF_8);
        Path both = dir.resolve("both.gpkg");
        Files.copy(gpkg, both);
        Gdal.run("ogr2ogr", "-update", "-f", "GPKG", both.toString(), towns.toString(), "-nln", "towns", "-a_srs",
                "EPSG:2056", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", "-oo", "AUTODETECT_TYPE=YES");
        return both;
    }

    @Test
    void anAttributeTableWrittenByGdalIsReadAsALayerWithoutGeometryOrCrs(@TempDir Path dir) throws Exception {
        Path in = onlyAttributes(dir);
        try (FeatureSource source = new GpkgProvider().open(in)) {
            LayerDef codes = source.layers().get(0);
            assertThat(source.layers()).hasSize(1);
            assertThat(codes.name()).isEqualTo("codes");
            assertThat(codes.geometryKind()).isEqualTo(GeometryKind.NONE);
            assertThat(codes.hasGeometry()).isFalse();
            assertThat(codes.crs()).isNull();
            assertThat(codes.crsCode()).isNull();
            assertThat(codes.featureCount()).isEqualTo(3);
            assertThat(codes.fields()).extracting(f -> f.name() + ":" + f.type())
                    .containsExactly("code:" + FieldType.INTEGER, "label:" + FieldType.STRING,
                            "weight:" + FieldType.DOUBLE, "since:" + FieldType.DATE);
            List<Feature> rows = new ArrayList<>();
            try (FeatureCursor cursor = source.cursor(0, 0, -1)) {
                for (Feature f = cursor.next(); f != null; f = cursor.next()) {
                    rows.add(f);
                }
            }
            assertThat(rows).extracting(Feature::fid).containsExactly(1L, 2L, 3L);
            assertThat(rows).allSatisfy(f -> assertThat(f.geometry()).isNull());
            assertThat(rows.get(1).values()).containsExactly(2L, "béta, two", null, LocalDate.of(2024, 3, 4));
            assertThat(rows.get(2).values()).containsExactly(30L, "", -7.25, null);
        }
    }

    @Test
    void aGeoPackageHoldingOnlyAnAttributeTableConvertsIntoAnAttributeTable(@TempDir Path dir) throws Exception {
        Path in = onlyAttributes(dir);
        Path out = dir.resolve("out.gpkg");
        CountingContext ctx = new CountingContext();
        // no --assume-crs: an attribute table has no CRS to miss
        GpkgConverter.Result r = GpkgConverter.convert(in, out, new GpkgConverter.Options("EPSG:4326", null, "EPSG:2056",
                null), ctx);

        assertThat(r.layerNames()).containsExactly("codes");
        assertThat(r.attributeTables()).containsExactly("codes");
        assertThat(r.features()).isEqualTo(3).isEqualTo(ctx.progress.get());
        assertSameTable(in, out, "codes");
        assertThat(Outputs.query(out, "SELECT table_name, data_type, identifier, min_x, srs_id FROM gpkg_contents"))
                .containsExactly(row("table_name", "codes", "data_type", "attributes", "identifier", "codes", "min_x", null,
                        "srs_id", 0));
        assertThat(Outputs.query(out, "SELECT count(*) AS n FROM gpkg_geometry_columns").get(0).get("n")).isEqualTo(0);
        assertThat(Outputs.query(out, "SELECT count(*) AS n FROM gpkg_extensions").get(0).get("n")).isEqualTo(0);
        String info = Gdal.run("ogrinfo", "-so", "-al", out.toString());
        assertThat(info).contains("Layer name: codes", "Geometry: None", "Feature Count: 3", "FID Column = fid")
                .doesNotContain("ERROR", "Warning");
    }

    @Test
    void aGeoPackageWithFeaturesAndAnAttributeTableKeepsBothThroughTheGenericSink(@TempDir Path dir) throws Exception {
        Path in = featuresAndAttributes(dir);
        Path out = dir.resolve("generic.gpkg");
        FormatProvider gpkg = format("gpkg");
        FeatureConverter.Result r = FeatureConverter.convert(in, gpkg, out, gpkg, "EPSG:4326", null, new CountingContext());

        assertThat(r.layerNames()).containsExactly("codes", "towns");
        assertThat(r.features()).isEqualTo(5);
        assertThat(Outputs.query(out, "SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY 1")).containsExactly(
                row("table_name", "codes", "data_type", "attributes", "srs_id", 0),
                row("table_name", "towns", "data_type", "features", "srs_id", 4326));
        assertThat(Outputs.query(out, "SELECT table_name FROM gpkg_geometry_columns"))
                .containsExactly(row("table_name", "towns"));
        assertThat(Outputs.query(out, "SELECT fid, code, label, weight, since FROM codes ORDER BY fid"))
                .isEqualTo(Outputs.query(in, "SELECT fid, code, label, weight, since FROM codes ORDER BY fid"));
        String info = Gdal.run("ogrinfo", out.toString());
        assertThat(info).contains("codes (None)").containsPattern("\\d: towns\n").doesNotContain("ERROR", "Warning");
    }

    @Test
    void anAttributeTableBecomesALoneDbfAsOgr2ogrWritesIt(@TempDir Path dir) throws Exception {
        Path in = onlyAttributes(dir);
        Path ours = Files.createDirectories(dir.resolve("cairn")).resolve("only.dbf");
        FormatProvider shp = format("shp");
        assertThat(shp.outputExtension(layer(in))).isEqualTo(".dbf");
        Path temp = ours.resolveSibling(".only.dbf.1.cairn-tmp");
        FeatureConverter.Result r = FeatureConverter.convert(in, format("gpkg"), temp, shp,
                new FeatureConverter.Options("EPSG:4326", null, 0), new CountingContext());
        shp.publishOutput(temp, ours, r.features());

        try (Stream<Path> files = Files.list(ours.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("only.cpg", "only.dbf");
        }
        Path theirs = Files.createDirectories(dir.resolve("ogr")).resolve("only.dbf");
        Gdal.run("ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", theirs.toString(), in.toString());
        try (Stream<Path> files = Files.list(theirs.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".cpg")))
                    .as("ogr2ogr writes a lone .dbf too").containsExactly("only.dbf");
        }
        assertThat(Gdal.run("ogrinfo", "-so", "-al", ours.toString())).contains("Geometry: None", "Feature Count: 3");
        assertThat(csv(ours, dir.resolve("ours.csv"))).isEqualTo(csv(theirs, dir.resolve("theirs.csv")));
    }

    @Test
    void aLayerWithGeometriesIsNeverPublishedAsALoneDbf(@TempDir Path dir) throws Exception {
        Path in = featuresAndAttributes(dir);
        Path out = Files.createDirectories(dir.resolve("out")).resolve("towns.dbf");
        Path temp = out.resolveSibling(".towns.dbf.1.cairn-tmp");
        FormatProvider shp = format("shp");
        FeatureConverter.Result r = FeatureConverter.convert(in, format("gpkg"), temp, shp,
                new FeatureConverter.Options("EPSG:4326", null, 1), new CountingContext());

        assertThatThrownBy(() -> shp.publishOutput(temp, out, r.features())).isInstanceOf(AssetFailure.class)
                .hasMessageContaining(out + ": the layer was planned as a table without geometry but has geometries");
        assertThat(out).doesNotExist();
    }

    @Test
    void anAttributeTableIsWrittenToGeoJsonAndFlatGeobufAsFeaturesWithoutGeometry(@TempDir Path dir) throws Exception {
        Path in = onlyAttributes(dir);
        Path json = dir.resolve("codes.geojson");
        FeatureConverter.convert(in, format("gpkg"), json, format("geojson"), new FeatureConverter.Options("EPSG:4326",
                null, 0), new CountingContext());
        String text = Files.readString(json, StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> l.startsWith("{\"type\":\"Feature\""))).hasSize(3)
                .allSatisfy(l -> assertThat(l).contains("\"geometry\":null}").doesNotContain("\"crs\""));
        Path theirs = dir.resolve("theirs.geojson");
        Gdal.run("ogr2ogr", "-f", "GeoJSON", theirs.toString(), in.toString());
        assertThat(csv(json, dir.resolve("json.csv"))).isEqualTo(csv(theirs, dir.resolve("theirs-json.csv")));

        Path fgb = dir.resolve("codes.fgb");
        FeatureConverter.convert(in, format("gpkg"), fgb, format("fgb"), new FeatureConverter.Options("EPSG:4326",
                null, 0), new CountingContext());
        // GDAL (3.6) drops features without geometry when it writes FlatGeobuf: its reading of our
        // file is compared with the source instead
        String info = Gdal.run("ogrinfo", "-al", fgb.toString());
        assertThat(info).contains("Geometry: Unknown (any)", "Feature Count: 3", "Layer SRS WKT:\n(unknown)")
                .contains("label (String) = béta, two").doesNotContain("ERROR", "Warning", "POINT");
        List<String> fromFgb = csv(fgb, dir.resolve("fgb.csv"));
        List<String> fromSource = csv(in, dir.resolve("source.csv"));
        assertThat(fromFgb).hasSameSizeAs(fromSource);
        assertThat(fromFgb.get(0)).isEqualTo(fromSource.get(0));
        for (int i = 1; i < fromSource.size(); i++) {
            // FlatGeobuf has date-times only: 2024/01/02 is read back as 2024/01/02 00:00:00
            assertThat(fromFgb.get(i).replace(" 00:00:00", "")).isEqualTo(fromSource.get(i));
        }
    }

    @Test
    void chunksOfAnAttributeTableCommitIntoTheStagingFileAndEqualTheUnchunkedCopy(@TempDir Path dir) throws Exception {
        Path in = featuresAndAttributes(dir);
        Path unchunked = dir.resolve("unchunked.gpkg");
        GpkgConverter.Options options = new GpkgConverter.Options("EPSG:4326", null);
        GpkgConverter.convert(in, unchunked, options, new CountingContext());

        List<ChunkSpec> chunks = GpkgChunkConverterTest.plan(in, 1, "attr");
        assertThat(chunks).extracting(ChunkSpec::layer).containsExactly("codes", "codes", "codes", "towns", "towns");
        Path out = dir.resolve("chunked.gpkg");
        long features = 0;
        GpkgChunkConverter.Result last = null;
        for (ChunkSpec chunk : chunks) {
            last = GpkgChunkConverter.convert(in, out, "both.gpkg#" + chunk.layer() + "[" + chunk.index() + "]", chunk,
                    options, new CountingContext());
            features += last.features();
        }
        assertThat(last.published()).isTrue();
        assertThat(features).isEqualTo(5);
        assertSameTable(unchunked, out, "codes");
        assertThat(Outputs.query(out, "SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY 1"))
                .isEqualTo(Outputs.query(unchunked, "SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY 1"));
        assertThat(Outputs.query(out, "SELECT * FROM gpkg_geometry_columns"))
                .isEqualTo(Outputs.query(unchunked, "SELECT * FROM gpkg_geometry_columns"));
        assertThat(Gdal.run("ogrinfo", out.toString())).contains("codes (None)").doesNotContain("ERROR", "Warning");
    }

    @Test
    void anAttributeTableWithoutAnIntegerPrimaryKeyIsLeftOutAndTheFeaturesStillConvert(@TempDir Path dir)
            throws Exception {
        Path in = featuresAndAttributes(dir);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + in); var s = c.createStatement()) {
            s.execute("CREATE TABLE loose (name TEXT, n REAL)");
            s.execute("INSERT INTO loose VALUES ('a', 1)");
            s.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('loose', 'attributes', 'loose')");
        }
        GpkgConverter.Result r = GpkgConverter.convert(in, dir.resolve("out.gpkg"), new GpkgConverter.Options("EPSG:4326",
                null), new CountingContext());
        assertThat(r.layerNames()).containsExactly("codes", "towns");
        assertThat(r.skippedTables()).containsExactly("loose");
    }

    /** Same columns (names, declared types, primary key, not-null), same rows, as the input. */
    private static void assertSameTable(Path in, Path out, String table) throws Exception {
        String columns = "SELECT name, type, pk, \"notnull\" FROM pragma_table_info('" + table + "')";
        assertThat(Outputs.query(out, columns)).isEqualTo(Outputs.query(in, columns));
        String rows = "SELECT * FROM \"" + table + "\" ORDER BY 1";
        assertThat(Outputs.query(out, rows)).isEqualTo(Outputs.query(in, rows));
    }

    private static LayerDef layer(Path gpkg) throws Exception {
        try (FeatureSource source = new GpkgProvider().open(gpkg)) {
            return source.layers().get(0);
        }
    }

    private static FormatProvider format(String name) {
        return FORMATS.forName(name).orElseThrow();
    }

    /** GDAL's reading of a file as CSV lines (header first), without the layer-specific file name. */
    private static List<String> csv(Path file, Path target) throws Exception {
        Gdal.run("ogr2ogr", "-f", "CSV", target.toString(), file.toString());
        return Files.readAllLines(target, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
