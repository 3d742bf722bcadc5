package dev.cairn.raster.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.fuzz.FuzzRun;
import dev.cairn.engine.fuzz.Mutator;
import dev.cairn.raster.DataType;
import dev.cairn.raster.cog.FuzzedTiffInputsTest;
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
 * and read as the warp job reads an input, with the same verdicts ({@link FuzzedTiffInputsTest}).
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
                .isThrownBy(() -> FuzzedTiffInputsTest.readAsWarpDoes(file))
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
        Path caseDir = Files.createDirectories(dir.resolve("cases"));
        return FuzzRun.run(format, SEED, FuzzRun.cases(),
                FuzzRun.mutants(new Mutator(SEED), bytes, List.of(), false, caseDir, "tif"),
                FuzzedTiffInputsTest::readAsWarpDoes, FuzzedTiffInputsTest::problem);
    }

    private static void check(FuzzRun.Report report) {
        System.out.println("fuzz " + report.summary());
        assertThat(report.findings()).as(report.summary()).isEmpty();
    }
}
