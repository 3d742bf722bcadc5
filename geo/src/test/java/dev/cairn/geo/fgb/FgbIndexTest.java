package dev.cairn.geo.fgb;

import static dev.cairn.geo.fgb.FgbFixture.layer;
import static dev.cairn.geo.fgb.FgbFixture.read;
import static dev.cairn.geo.fgb.FgbFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Envelope;
import org.wololo.flatgeobuf.PackedRTree;

/** The packed Hilbert R-tree we write, checked with the library's own search (GDAL's check is in the interop test). */
class FgbIndexTest {
    @TempDir
    Path dir;

    private Path valid(int n) throws AssetFailure {
        FgbFixture fx = new FgbFixture(13, false);
        List<Feature> in = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            in.add(new Feature(i, fx.any((int) i), new Object[] {i}));
        }
        return write(dir.resolve("indexed.fgb"), layer("indexed", GeometryKind.GEOMETRY, false,
                List.of(FieldDef.of("id", FieldType.LONG)), null), in);
    }

    @Test
    void theLibrarySearchOfOurIndexFindsEveryFeatureWhoseBoxIntersects() throws Exception {
        Path file = valid(500);
        byte[] bytes = Files.readAllBytes(file);
        int headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        int treeStart = 12 + headerSize;
        long featuresStart = treeStart + PackedRTree.calcSize(500, 16);
        List<Feature> all = read(file, 0, -1);
        // byte offset (from the features section) of each feature, in file order
        long[] offsets = new long[all.size()];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = at;
            at += 4 + Integer.toUnsignedLong(bb.getInt((int) (featuresStart + at)));
        }
        Envelope query = new Envelope(20, 45, 30, 60);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).geometry().getEnvelopeInternal().intersects(query)) {
                expected.add(offsets[i]);
            }
        }
        List<Long> hits = PackedRTree.search(bb, treeStart, 500, 16, query).stream().map(h -> h.offset).toList();
        assertThat(hits).containsExactlyInAnyOrderElementsOf(expected).isNotEmpty();
    }
}
