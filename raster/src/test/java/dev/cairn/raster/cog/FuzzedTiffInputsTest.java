package dev.cairn.raster.cog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.fuzz.FuzzRun;
import dev.cairn.engine.fuzz.Mutator;
import dev.cairn.engine.fuzz.Mutator.Field;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.io.ByteSource;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.io.IoOptions;
import dev.cairn.raster.tiff.GeoTiffReader;
import dev.cairn.raster.tiff.NotGeoreferencedException;
import dev.cairn.raster.tiff.TiffFormatException;
import dev.cairn.raster.tiff.TiffImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated GeoTIFFs (written by cairn's COG writer, then damaged by {@link Mutator}: bit flips,
 * byte runs, truncations, and every IFD's entry counts, values and out-of-line offsets made huge
 * or pointed back at themselves, the next-IFD offsets included, so chains turn cyclic and tile
 * counts and byte counts absurd), read the way {@code cairn warp} reads an input: open the IFD
 * chain, the first image's georeferencing and CRS, and a window of up to 1024 × 1024 pixels of
 * every image. Each case ends within a time bound either normally or with the reader's classified
 * exception ({@link TiffFormatException}, a FORMAT dead letter; {@link NotGeoreferencedException}
 * or {@link CrsException}, CRS ones) naming the file on one line: never a hang, an
 * OutOfMemoryError, an unclassified runtime exception or a bare I/O error (which the warp job would
 * retry as transient).
 *
 * <p>{@link FuzzRun#cases()} cases per seed file: 300 in the normal build, 5000 with {@code -Pheavy}.
 */
public class FuzzedTiffInputsTest {
    private static final long SEED = 20261207L;
    private static final GeoTransform UTM = new GeoTransform(500_000, 10, 0, 5_300_000, 0, -10);

    @TempDir
    Path dir;

    @Test
    void mutatedDeflateRgbTiffsEndAsDoneOrAFormatFailure() throws Exception {
        Path good = cog("rgb.tif", new CogLayout(200, 150, 3, DataType.UINT8, 64, Compression.DEFLATE,
                Predictor.HORIZONTAL, OptionalDouble.empty(), UTM, GeoKeyDirectory.forEpsg(32632, true), false));
        check(fuzz("tiff (deflate rgb)", good));
    }

    @Test
    void mutatedLzwFloatTiffsEndAsDoneOrAFormatFailure() throws Exception {
        Path good = cog("dem.tif", new CogLayout(180, 130, 1, DataType.FLOAT32, 32, Compression.LZW,
                Predictor.FLOATING_POINT, OptionalDouble.of(-9999), UTM, GeoKeyDirectory.forEpsg(32632, true), false));
        check(fuzz("tiff (lzw float32)", good));
    }

    @Test
    void aBitsPerSampleEntryWithCountZeroMeansTheDefaultNotAnIndexOutOfBounds() throws Exception {
        Path file = cog("zero.tif", new CogLayout(64, 64, 1, DataType.UINT8, 32, Compression.DEFLATE,
                Predictor.NONE, OptionalDouble.empty(), UTM, GeoKeyDirectory.forEpsg(32632, true), false));
        byte[] b = Files.readAllBytes(file);
        Field bits = tiffFields(b).stream().filter(f -> f.name().equals("IFD 0 tag 258 count")).findFirst().orElseThrow();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(bits.offset(), 0);
        Files.write(file, b);
        // BitsPerSample with no values is the TIFF default (1 bit): a 1-bit image whose tiles hold
        // 8-bit data; either it reads or it is a format error, never an index out of bounds
        try {
            readAsWarpDoes(file);
        } catch (TiffFormatException expected) {
            assertThat(expected.getMessage()).contains("zero.tif").doesNotContain("\n");
        }
    }

    @Test
    void aSamplesPerPixelOf65535IsAFormatErrorBeforeItsBlocksAreAllocatedNotAnOutOfMemory() throws Exception {
        // seed 20261207 case 3775 of the LZW float32 loop, minimised: SamplesPerPixel (a SHORT)
        // became 65535, so each 32x32 block "decodes" to 256 MiB from its few KiB of LZW
        Path file = cog("bands.tif", new CogLayout(180, 130, 1, DataType.FLOAT32, 32, Compression.LZW,
                Predictor.FLOATING_POINT, OptionalDouble.of(-9999), UTM, GeoKeyDirectory.forEpsg(32632, true), false));
        byte[] b = Files.readAllBytes(file);
        Field spp = tiffFields(b).stream().filter(f -> f.name().equals("IFD 0 tag 277 value")).findFirst().orElseThrow();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(spp.offset(), (short) 0xFFFF);
        Files.write(file, b);
        org.assertj.core.api.Assertions.assertThatExceptionOfType(TiffFormatException.class)
                .isThrownBy(() -> readAsWarpDoes(file))
                .withMessageStartingWith(file + ": ")
                .withMessageContaining("cannot decode to " + 32L * 32 * 65535 * 4 + " bytes");
    }

    private Path cog(String name, CogLayout layout) throws Exception {
        PixelBuffer image = TestRasters.image(layout.type(), layout.width(), layout.height(), layout.bands(), 3,
                layout.nodata().isPresent() ? layout.nodata().getAsDouble() : null);
        Path file = dir.resolve(name);
        CogWriter.write(file, layout, TestRasters.stage(layout, image, Resampling.AVERAGE));
        return file;
    }

    private FuzzRun.Report fuzz(String format, Path good) throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        List<Field> fields = tiffFields(bytes);
        Path caseDir = Files.createDirectories(dir.resolve("cases"));
        return FuzzRun.run(format, SEED, FuzzRun.cases(),
                FuzzRun.mutants(new Mutator(SEED), bytes, fields, false, caseDir, "tif"),
                FuzzedTiffInputsTest::readAsWarpDoes, FuzzedTiffInputsTest::problem);
    }

    private static void check(FuzzRun.Report report) {
        System.out.println("fuzz " + report.summary());
        assertThat(report.findings()).as(report.summary()).isEmpty();
        assertThat(report.cases()).isEqualTo(FuzzRun.cases());
    }

    /**
     * What the warp job does with an input: open it, plan from the first image, read windows
     * (FuzzedGdalTiffInputsTest reads its layouts the same way).
     */
    public static void readAsWarpDoes(Path file) throws Exception {
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

    /** A classified failure is a TIFF, georeferencing or CRS failure, naming the file on one line. */
    public static String problem(Throwable e, Path file) {
        if (!(e instanceof TiffFormatException || e instanceof NotGeoreferencedException || e instanceof CrsException)) {
            return "unclassified";
        }
        String msg = String.valueOf(e.getMessage());
        if (!msg.contains(file.getFileName().toString()) && !(e instanceof CrsException)) {
            // a CRS message names the CRS; WarpPlan prefixes it with the input's name
            return "message without the file's name:";
        }
        if (msg.contains("\n")) {
            return "message on several lines:";
        }
        return null;
    }

    /**
     * A classic little-endian TIFF's declared numbers: the first-IFD offset; for each IFD (in chain
     * order, each once) its entry count, every entry's count and value-or-offset, the first values
     * of out-of-line arrays (tile offsets and byte counts), and the next-IFD offset.
     */
    static List<Field> tiffFields(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.getShort(0)).as("a classic little-endian TIFF").isEqualTo((short) 0x4949);
        assertThat(buf.getShort(2)).isEqualTo((short) 42);
        List<Field> f = new ArrayList<>();
        f.add(Field.le("first IFD offset", 4, 4));
        Set<Long> seen = new HashSet<>();
        long ifd = Integer.toUnsignedLong(buf.getInt(4));
        for (int k = 0; ifd != 0 && ifd + 2 <= b.length && seen.add(ifd); k++) {
            int at = (int) ifd;
            int n = buf.getShort(at) & 0xFFFF;
            f.add(Field.le("IFD " + k + " entry count", at, 2));
            for (int i = 0; i < n && at + 2 + 12 * i + 12 <= b.length; i++) {
                int e = at + 2 + 12 * i;
                int tag = buf.getShort(e) & 0xFFFF;
                int type = buf.getShort(e + 2) & 0xFFFF;
                long count = Integer.toUnsignedLong(buf.getInt(e + 4));
                f.add(Field.le("IFD " + k + " tag " + tag + " count", e + 4, 4));
                f.add(Field.le("IFD " + k + " tag " + tag + " value", e + 8, 4));
                int size = switch (type) {
                    case 3 -> 2;
                    case 4, 9, 11 -> 4;
                    case 5, 10, 12, 16 -> 8;
                    default -> 1;
                };
                if (count * size > 4 && (size == 2 || size == 4)) {
                    long data = Integer.toUnsignedLong(buf.getInt(e + 8));
                    for (int j = 0; j < Math.min(count, 6) && data + (j + 1L) * size <= b.length; j++) {
                        f.add(Field.le("IFD " + k + " tag " + tag + " [" + j + "]", (int) data + j * size, size));
                    }
                }
            }
            int next = at + 2 + 12 * n;
            if (next + 4 > b.length) {
                break;
            }
            f.add(Field.le("IFD " + k + " next IFD offset", next, 4));
            ifd = Integer.toUnsignedLong(buf.getInt(next));
        }
        return f;
    }
}
