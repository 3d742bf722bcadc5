package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.it.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code cairn warp} from the command line against {@code gdalwarp} on GDAL-written GeoTIFFs:
 * the same output grid (size, and geotransform within 1/1000 of a pixel), the same pixels within the bounds gdalwarp keeps
 * with itself (its exact {@code -et 0} and default modes agree on 97.7–100 % of pixels for
 * nearest and within 0.64 grey levels for bilinear on real rasters), the same footprint within
 * 1 %, and a COG that GDAL's validator accepts. Bad inputs among good ones become dead letters
 * with their reason, and the batch goes on.
 */
class WarpIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path dir;

    @BeforeAll
    static void gdal() {
        GdalCommand.assumeInstalled();
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    /** name, GDAL type, bands, source CRS, corners, nodata, target CRS, resampling, creation options */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("utm_rgb_near", "Byte", 3, "EPSG:32633", new double[] {500000, 5400000, 530000, 5380000}, null,
                        "EPSG:3857", "nearest", new String[] {"TILED=YES", "COMPRESS=DEFLATE"}),
                Arguments.of("utm_rgb_bilinear", "Byte", 3, "EPSG:32633", new double[] {500000, 5400000, 530000, 5380000},
                        null, "EPSG:4326", "bilinear", new String[] {"TILED=YES", "COMPRESS=LZW", "PREDICTOR=2"}),
                Arguments.of("stateplane_feet_u16_cubic", "UInt16", 1, "EPSG:2263",
                        new double[] {980000, 200000, 1010000, 180000}, 0.0, "EPSG:4326", "cubic",
                        new String[] {"COMPRESS=DEFLATE"}),
                Arguments.of("lcc_f32_average", "Float32", 1,
                        "+proj=lcc +lat_1=44 +lat_2=49 +lat_0=46.5 +lon_0=3 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m +no_defs",
                        new double[] {650000, 6700000, 690000, 6660000}, -9999.0, "EPSG:3857", "average",
                        new String[] {"TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=3"}),
                Arguments.of("wgs84_i16_bilinear", "Int16", 2, "EPSG:4326", new double[] {5.0, 47.0, 5.6, 46.6}, -32768.0,
                        "EPSG:32631", "bilinear", new String[] {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128",
                                "BIGTIFF=YES", "ENDIANNESS=BIG"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aGeoTiffIsWarpedIntoAValidCogThatAgreesWithGdalwarp(String name, String type, int bands, String srs,
            double[] corners, Double nodata, String to, String resampling, String[] co) throws Exception {
        Path in = RasterFixture.geotiff(dir.resolve("in-" + name), name, 700, 500, bands, type, srs, corners[0], corners[1],
                corners[2], corners[3], nodata, name.hashCode(), co);
        Path out = dir.resolve("out-" + name);
        CliProcess.Result r = cairn("warp", in.toString(), "-o", out.toString(), "--to", to, "--resampling", resampling,
                "--block-size", "256");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Path cog = out.resolve(name + ".tif");
        assertValidCog(cog);

        Path gdal = dir.resolve("gdal-" + name + ".tif");
        GdalCommand.run("gdalwarp", "-q", "-overwrite", "-t_srs", to, "-r", resampling.equals("nearest") ? "near" : resampling,
                in.toString(), gdal.toString());
        RasterFixture.Raster ours = RasterFixture.read(cog, dir.resolve("scratch"));
        RasterFixture.Raster theirs = RasterFixture.read(gdal, dir.resolve("scratch"));
        assertThat(ours.width()).isEqualTo(theirs.width());
        assertThat(ours.height()).isEqualTo(theirs.height());
        for (int i = 0; i < 6; i++) {
            double scale = Math.max(Math.abs(theirs.geoTransform()[1]), Math.abs(theirs.geoTransform()[5]));
            assertThat(ours.geoTransform()[i]).as("geotransform[%d]", i).isCloseTo(theirs.geoTransform()[i],
                    org.assertj.core.data.Offset.offset(scale * 1e-3));
        }
        assertThat(ours.type()).isEqualTo(type);
        assertThat(ours.bands()).isEqualTo(bands);
        if (nodata != null) {
            assertThat(ours.nodata()).isEqualTo(nodata);
        }
        compare(ours, theirs, resampling, type, nodata);
    }

    /** Pixels valid in both, compared; footprints (valid pixel counts) within 1 %. */
    private static void compare(RasterFixture.Raster ours, RasterFixture.Raster theirs, String resampling, String type,
            Double nodata) {
        double fill = nodata == null ? 0 : nodata;
        double range = switch (type) {
            case "Byte" -> 255;
            case "UInt16" -> 255 * 200;
            case "Int16" -> 255 * 100;
            default -> 255 * 0.37;
        };
        long both = 0;
        long validOurs = 0;
        long validTheirs = 0;
        long equal = 0;
        double sumAbs = 0;
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                boolean a = valid(ours, x, y, fill);
                boolean b = valid(theirs, x, y, fill);
                validOurs += a ? 1 : 0;
                validTheirs += b ? 1 : 0;
                if (!a || !b) {
                    continue;
                }
                for (int band = 0; band < ours.bands(); band++) {
                    both++;
                    double d = Math.abs(ours.get(band, x, y) - theirs.get(band, x, y));
                    sumAbs += d;
                    if (d == 0) {
                        equal++;
                    }
                }
            }
        }
        assertThat(validTheirs).as("gdalwarp's footprint").isGreaterThan(1000);
        assertThat((double) Math.abs(validOurs - validTheirs) / validTheirs).as("footprint difference").isLessThan(0.01);
        if (resampling.equals("nearest")) {
            assertThat((double) equal / both).as("share of identical samples").isGreaterThanOrEqualTo(0.97);
        } else {
            assertThat(sumAbs / both / range * 255).as("mean absolute difference in grey levels").isLessThanOrEqualTo(1.0);
        }
    }

    private static boolean valid(RasterFixture.Raster r, int x, int y, double fill) {
        for (int band = 0; band < r.bands(); band++) {
            if (r.get(band, x, y) != fill) {
                return true;
            }
        }
        return false;
    }

    static void assertValidCog(Path cog) throws IOException, InterruptedException {
        // the Debian python that has GDAL's bindings (another python3 may come first on PATH)
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        String out = GdalCommand.run(python, "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py",
                cog.toString());
        assertThat(out).contains("is a valid cloud optimized GeoTIFF");
    }

    @Test
    void aTruncatedAndAnUngeoreferencedTiffAmongGoodOnesAreDeadLettersAndTheGoodOnesAreDone() throws Exception {
        Path in = dir.resolve("mixed");
        RasterFixture.geotiff(in, "good", 300, 200, 1, "Byte", "EPSG:32633", 500000, 5400000, 503000, 5398000, null, 1,
                "TILED=YES");
        Path whole = RasterFixture.geotiff(dir.resolve("tmp"), "cut", 300, 200, 1, "Byte", "EPSG:32633", 500000, 5400000,
                503000, 5398000, null, 2, "TILED=YES", "COMPRESS=DEFLATE");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(in.resolve("cut.tif"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        GdalCommand.run("gdal_translate", "-q", "-of", "GTiff", "-co", "PROFILE=BASELINE", whole.toString(),
                in.resolve("nogeo.tif").toString());
        Path out = dir.resolve("out-mixed");
        CliProcess.Result r = cairn("warp", in.toString(), "-o", out.toString(), "--to", "EPSG:4326");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(12);
        assertValidCog(out.resolve("good.tif"));
        assertThat(out.resolve("cut.tif")).doesNotExist();
        assertThat(out.resolve("nogeo.tif")).doesNotExist();
        CliProcess.Result f = cairn("failures", out.toString());
        assertThat(f.stdout()).contains("cut.tif").contains("nogeo.tif");
        assertThat(f.stdout()).containsIgnoringCase("georeferenc");
        try (Stream<Path> files = Files.walk(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).noneMatch(n -> n.contains("cairn-tmp") || n.contains("cairn-stage"));
        }
    }

    @Test
    void anUnsupportedCompressionExits11AndNoGeoreferencingExits10() throws Exception {
        Path base = RasterFixture.geotiff(dir.resolve("codecs"), "base", 300, 200, 1, "Byte", "EPSG:32633", 500000, 5400000,
                503000, 5398000, null, 3, "TILED=YES");
        Path lerc = dir.resolve("lerc").resolve("lerc.tif");
        Files.createDirectories(lerc.getParent());
        GdalCommand.run("gdal_translate", "-q", "-co", "COMPRESS=LERC", base.toString(), lerc.toString());
        CliProcess.Result r = cairn("warp", lerc.toString(), "-o", dir.resolve("out-lerc").toString(), "--to", "EPSG:4326");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(11);
        assertThat(cairn("failures", dir.resolve("out-lerc").toString()).stdout()).contains("lerc.tif")
                .containsIgnoringCase("unsupported compression");

        Path plain = dir.resolve("nogeo").resolve("plain.tif");
        Files.createDirectories(plain.getParent());
        GdalCommand.run("gdal_translate", "-q", "-co", "PROFILE=BASELINE", base.toString(), plain.toString());
        CliProcess.Result n = cairn("warp", plain.toString(), "-o", dir.resolve("out-nogeo").toString(), "--to", "EPSG:4326");
        assertThat(n.exitCode()).as(n.stderr()).isEqualTo(10);
        assertThat(dir.resolve("out-nogeo").resolve("plain.tif")).doesNotExist();
    }
}
