package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.it.CliProcess;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output format from the command line, and back: a two-layer GeoPackage in EPSG:2056 goes
 * to Shapefile, GeoJSON and FlatGeobuf (one file per layer, {@code b.roads.shp}), each of those
 * back to GeoPackage; GDAL opens every output with the same feature counts. Inputs are recognised
 * by content: a GeoJSON file named {@code .gpkg} is read as GeoJSON.
 */
class FormatsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern COUNT = Pattern.compile("Feature Count: (\\d+)");

    @TempDir
    static Path dir;
    static Path in;

    @BeforeAll
    static void input() {
        GdalCommand.assumeInstalled();
        in = dir.resolve("in");
        SampleData.writeGpkg(in.resolve("b.gpkg"), List.of(
                new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 120),
                new LayerSpec("places", GeometryKind.POINT, 2056, 80)), 7);
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    private static long count(Path file) throws Exception {
        String info = GdalCommand.run("ogrinfo", "-so", "-al", file.toString());
        assertThat(info).doesNotContain("ERROR");
        Matcher m = COUNT.matcher(info);
        assertThat(m.find()).as(info).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void everyFormatIsWrittenOneFilePerLayerAndReadBack() throws Exception {
        for (String[] f : new String[][] {{"shp", ".shp"}, {"geojson", ".geojson"}, {"geojsonseq", ".geojsons"}, {"fgb", ".fgb"}}) {
            Path out = dir.resolve("out-" + f[0]);
            CliProcess.Result r = cairn("convert", in.toString(), "-o", out.toString(), "--format", f[0]);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(count(out.resolve("b.roads" + f[1]))).isEqualTo(120);
            assertThat(count(out.resolve("b.places" + f[1]))).isEqualTo(80);
            try (var files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("cairn-tmp"));
            }

            Path back = dir.resolve("back-" + f[0]);
            CliProcess.Result b = cairn("convert", out.toString(), "-o", back.toString());
            assertThat(b.exitCode()).as(b.stderr()).isZero();
            assertThat(count(back.resolve("b.roads.gpkg"))).isEqualTo(120);
            assertThat(count(back.resolve("b.places.gpkg"))).isEqualTo(80);
        }
    }

    @Test
    void aGeoJsonFileNamedGpkgIsReadAsGeoJson() throws Exception {
        Path gj = dir.resolve("gj");
        assertThat(cairn("convert", in.toString(), "-o", gj.toString(), "--format", "geojson").exitCode()).isZero();
        Path disguised = Files.createDirectories(dir.resolve("disguised")).resolve("roads.gpkg");
        Files.copy(gj.resolve("b.roads.geojson"), disguised);

        CliProcess.Result r = cairn("convert", disguised.toString(), "-o", dir.resolve("undisguised").toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(count(dir.resolve("undisguised").resolve("roads.gpkg"))).isEqualTo(120);
    }

    @Test
    void geoJsonOutputInAnotherCrsAndAnUnknownFormatAreUsageErrors() throws Exception {
        CliProcess.Result crs = cairn("convert", in.toString(), "-o", dir.resolve("x1").toString(), "--format", "geojson",
                "--to", "EPSG:3857");
        assertThat(crs.exitCode()).isEqualTo(2);
        assertThat(crs.event("usage_error").get("message").asText()).contains("RFC 7946");
        assertThat(dir.resolve("x1")).doesNotExist();
        CliProcess.Result fmt = cairn("convert", in.toString(), "-o", dir.resolve("x2").toString(), "--format", "dxf");
        assertThat(fmt.exitCode()).isEqualTo(2);
        assertThat(fmt.event("usage_error").get("message").asText()).contains("unknown output format");
    }
}
