package dev.cairn.geo.fgb;

import static dev.cairn.geo.fgb.FgbFixture.layer;
import static dev.cairn.geo.fgb.FgbFixture.read;
import static dev.cairn.geo.fgb.FgbFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wololo.flatgeobuf.PackedRTree;

class FgbBadInputTest {
    @TempDir
    Path dir;

    private Path valid(int n) throws AssetFailure {
        FgbFixture fx = new FgbFixture(13, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            in.add(new Feature(i, fx.any((int) i), new Object[] {i, "text " + i}));
        }
        return write(dir.resolve("valid.fgb"), layer("valid", GeometryKind.GEOMETRY, false,
                List.of(FieldDef.of("id", FieldType.LONG), FieldDef.of("s", FieldType.STRING)), "EPSG:4326"), in);
    }

    private static void assertFormatFailure(ThrowingCallable call, Path file, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AssetFailure.class, e -> {
            assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains(file.getFileName().toString()).doesNotContain("\n");
            for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
            }
        });
    }

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void garbageAndEmptyFilesAreNotFlatGeobuf() throws Exception {
        byte[] garbage = new byte[500];
        new Random(1).nextBytes(garbage);
        Path g = file("garbage.fgb", garbage);
        assertFormatFailure(() -> read(g, 0, -1), g, "not a FlatGeobuf file");
        Path e = file("empty.fgb", new byte[0]);
        assertFormatFailure(() -> read(e, 0, -1), e, "not a FlatGeobuf file");
    }

    @Test
    void aFileCutInsideTheHeaderOrIndexFailsOnOpen() throws Exception {
        byte[] bytes = Files.readAllBytes(valid(100));
        Path magicOnly = file("magic.fgb", Arrays.copyOf(bytes, 8));
        assertFormatFailure(() -> read(magicOnly, 0, -1), magicOnly, "truncated");
        Path inHeader = file("header.fgb", Arrays.copyOf(bytes, 40));
        assertFormatFailure(() -> read(inHeader, 0, -1), inHeader, "truncated", "header");
        int headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        Path inIndex = file("index.fgb", Arrays.copyOf(bytes, 12 + headerSize + 100));
        assertFormatFailure(() -> read(inIndex, 0, -1), inIndex, "truncated", "index");
    }

    @Test
    void aFileCutInsideTheFeaturesFailsAtTheMissingFeatureWhetherReadOrSkipped() throws Exception {
        byte[] bytes = Files.readAllBytes(valid(100));
        Path cut = file("cut.fgb", Arrays.copyOf(bytes, bytes.length - 300));
        assertFormatFailure(() -> read(cut, 0, -1), cut, "truncated");
        assertFormatFailure(() -> read(cut, 99, 1), cut, "truncated");
        assertThat(read(cut, 0, 50)).hasSize(50);
    }

    @Test
    void aCorruptHeaderFailsOnOpen() throws Exception {
        byte[] bytes = Files.readAllBytes(valid(10));
        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7fffffff);
        Path h = file("huge.fgb", huge);
        assertFormatFailure(() -> read(h, 0, -1), h, "corrupt header");
        byte[] scrambled = bytes.clone();
        Arrays.fill(scrambled, 12, 40, (byte) 0xff);
        Path s = file("scrambled.fgb", scrambled);
        assertFormatFailure(() -> read(s, 0, -1), s, "corrupt header");
    }

    @Test
    void aCorruptFeatureSizeOrBodyFailsNamingTheFeature() throws Exception {
        Path file = valid(10);
        byte[] bytes = Files.readAllBytes(file);
        int headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        int features = (int) (12 + headerSize + PackedRTree.calcSize(10, 16));
        byte[] badSize = bytes.clone();
        ByteBuffer.wrap(badSize).order(ByteOrder.LITTLE_ENDIAN).putInt(features, 0x7ffffff0);
        Path s = file("size.fgb", badSize);
        assertFormatFailure(() -> read(s, 0, -1), s, "feature 0");
        byte[] badBody = bytes.clone();
        Arrays.fill(badBody, features + 4, features + 12, (byte) 0xff);
        Path b = file("body.fgb", badBody);
        assertFormatFailure(() -> read(b, 0, -1), b, "feature 0");
    }
}
