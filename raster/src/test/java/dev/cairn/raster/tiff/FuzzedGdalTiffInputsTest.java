package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.raster.DataType;
import dev.cairn.raster.fuzz.FuzzRun;
import dev.cairn.raster.fuzz.Mutator;
import dev.cairn.raster.io.ByteSource;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.IoOptions;
import dev.cairn.raster.testing.Gdal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layouts cairn's COG writer never writes, from GDAL: strips instead of tiles, BigTIFF,
 * big-endian, PackBits and planar configuration 2, each mutated (bit flips, byte runs,
 * truncations; no header-aware field mutations, the fields of these files are not parsed here)
 * and read as the warp job reads an input; the same verdicts as {@code FuzzedTiffInputsTest}.
 */
class FuzzedGdalTiffInputsTest {
    private static final long SEED = 20261207L;

    @TempDir
    Path dir;

    @Test
    void mutatedBigEndianBigTiffStripsEndAsDoneOrAFormatFailure() throws Exception {
        check(fuzz("tiff (BigTIFF big-endian strips, PackBits)", gdal("strips.tif", DataType.INT16, 3,
                "-co", "TILED=NO", "-co", "BIGTIFF=YES", "-co", "ENDIANNESS=BIG", "-co", "COMPRESS=PACKBITS",
                "-co", "BLOCKYSIZE=16")));
    }

    @Test
    void mutatedPlanarZstdTilesEndAsDoneOrAFormatFailure() throws Exception {
        check(fuzz("tiff (planar ZSTD tiles, float64)", gdal("planar.tif", DataType.FLOAT64, 2,
                "-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=32", "-co", "INTERLEAVE=BAND",
                "-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=3")));
    }

    @Test
    void theFuzzCaseWhoseZstdTileThrewAnIndexOutOfBoundsIsAFormatError() throws Exception {
        // seed 20261207 case 357 of the planar ZSTD loop: a damaged ZSTD block made aircompressor's
        // decoder index a table at -33 (an ArrayIndexOutOfBoundsException, an internal dead letter)
        Path good = gdal("planar.tif", DataType.FLOAT64, 2, "-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co",
                "BLOCKYSIZE=32", "-co", "INTERLEAVE=BAND", "-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=3");
        Mutator.Mutation m = new Mutator(SEED).mutate(357, Files.readAllBytes(good), List.of(), false);
        assertThat(m.description()).isEqualTo("2 bytes at 66955 set to 0xFF, 12 bytes at 11180 set to 0x00, 4 bit flips");
        Path file = dir.resolve("zstd.tif");
        Files.write(file, m.bytes());
        org.assertj.core.api.Assertions.assertThatExceptionOfType(TiffFormatException.class)
                .isThrownBy(() -> readAsWarpDoes(file))
                .withMessageContaining("zstd.tif").withMessageContaining("corrupt ZSTD stream");
    }

    private Path gdal(String name, DataType type, int bands, String... co) throws Exception {
        Gdal.assumeInstalled();
        Path src = Rasters.envi(dir, name + "-src", type, 120, 90, bands, 5);
        Path out = dir.resolve(name);
        List<String> cmd = new java.util.ArrayList<>(List.of("gdal_translate", "-q", "-a_srs", "EPSG:32632",
                "-a_ullr", "500000", "5300900", "501200", "5300000"));
        cmd.addAll(List.of(co));
        cmd.add(src.toString());
        cmd.add(out.toString());
        Gdal.run(cmd.toArray(String[]::new));
        return out;
    }

    private FuzzRun.Report fuzz(String format, Path good) throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        Mutator m = new Mutator(SEED);
        Path caseDir = Files.createDirectories(dir.resolve("cases"));
        return FuzzRun.run(format, SEED, FuzzRun.cases(), i -> {
            Mutator.Mutation mu = m.mutate(i, bytes, List.of(), false);
            Path file = caseDir.resolve("case" + i + ".tif");
            Files.write(file, mu.bytes());
            return new FuzzRun.CaseFile(file, mu.description());
        }, FuzzedGdalTiffInputsTest::readAsWarpDoes, FuzzedGdalTiffInputsTest::problem);
    }

    private static void check(FuzzRun.Report report) {
        System.out.println("fuzz " + report.summary());
        assertThat(report.findings()).as(report.summary()).isEmpty();
    }

    static void readAsWarpDoes(Path file) throws Exception {
        try (ByteSource source = ByteSources.open(file.toString(), IoOptions.defaults());
                GeoTiffReader reader = GeoTiffReader.open(source, 8L << 20)) {
            TiffImage first = reader.image();
            first.geoTransform();
            first.crs();
            for (TiffImage image : reader.images()) {
                image.readWindow(0, 0, Math.min(1024, image.width()), Math.min(1024, image.height()));
            }
        }
    }

    static String problem(Throwable e, Path file) {
        if (!(e instanceof TiffFormatException || e instanceof NotGeoreferencedException || e instanceof CrsException)) {
            return "unclassified";
        }
        String msg = String.valueOf(e.getMessage());
        if (!msg.contains(file.getFileName().toString()) && !(e instanceof CrsException)) {
            return "message without the file's name:";
        }
        return msg.contains("\n") ? "message on several lines:" : null;
    }
}
