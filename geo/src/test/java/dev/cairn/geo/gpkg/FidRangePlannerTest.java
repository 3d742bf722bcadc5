package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer is cut at every n-th fid in fid order whether its fids run without a gap (boundaries by
 * arithmetic from the smallest and largest fid) or not (boundaries from a pass over the fids).
 */
class FidRangePlannerTest {
    private static final int N = 700;

    @TempDir
    Path dir;

    @Test
    void aLayerWithoutGapsInItsFidsIsCutAtEveryNthRowAsThePassOverItsFidsWouldCutIt() throws Exception {
        Path input = renumbered(sample(dir.resolve("in.gpkg")), 1);

        List<FidRangePlanner.LayerRanges> plan = FidRangePlanner.plan(input, N);

        FidRangePlanner.LayerRanges points = layer(plan, "points");
        assertThat(points.starts()).containsExactly(701L, 1401L, 2101L, 2801L).isEqualTo(everyNth(input, "points"));
        assertThat(points.features()).isEqualTo(3_000);
        assertThat(layer(plan, "areas").starts()).isEmpty();
    }

    @Test
    void aLayerWithGapsOrAnOffsetInItsFidsIsCutAtEveryNthRowOfTheFidsThatAreThere() throws Exception {
        Path gaps = sample(dir.resolve("gaps.gpkg")); // the sample's fids jump now and then
        Path shifted = renumbered(sample(dir.resolve("shifted.gpkg")), 1_000_001); // no gap, not from 1
        Path oneGap = renumbered(sample(dir.resolve("one-gap.gpkg")), 1);
        execute(oneGap, "DELETE FROM points WHERE fid = 1500"); // one gap: largest - smallest = count

        for (Path file : List.of(gaps, shifted, oneGap)) {
            List<Long> expected = everyNth(file, "points");
            assertThat(expected).hasSize(4);
            assertThat(layer(FidRangePlanner.plan(file, N), "points").starts()).as(file.getFileName().toString())
                    .isEqualTo(expected);
        }
        assertThat(layer(FidRangePlanner.plan(shifted, N), "points").starts())
                .containsExactly(1_000_701L, 1_001_401L, 1_002_101L, 1_002_801L);
        assertThat(layer(FidRangePlanner.plan(oneGap, N), "points").starts())
                .containsExactly(701L, 1401L, 2102L, 2802L);
    }

    private static FidRangePlanner.LayerRanges layer(List<FidRangePlanner.LayerRanges> plan, String name) {
        return plan.stream().filter(r -> r.layer().equals(name)).findFirst().orElseThrow();
    }

    /** The points renumbered from {@code first} on without a gap, in their fid order (triggers dropped first). */
    private static Path renumbered(Path file, long first) throws Exception {
        List<String> triggers = Outputs.query(file, "SELECT name FROM sqlite_master WHERE type = 'trigger'").stream()
                .map(r -> (String) r.get("name")).toList();
        for (String t : triggers) {
            execute(file, "DROP TRIGGER \"" + t + "\"");
        }
        execute(file, "CREATE TABLE m AS SELECT fid AS old, row_number() OVER (ORDER BY fid) AS new FROM points");
        execute(file, "UPDATE points SET fid = -fid");
        execute(file, "UPDATE points SET fid = (SELECT new FROM m WHERE old = -points.fid) + " + (first - 1));
        execute(file, "DROP TABLE m");
        return file;
    }

    private static Path sample(Path file) throws Exception {
        Files.deleteIfExists(file);
        SampleData.writeGpkg(file, List.of(new LayerSpec("points", GeometryKind.POINT, 2056, 3_000),
                new LayerSpec("areas", GeometryKind.MULTIPOLYGON, 32632, 250, true)), 7L);
        return file;
    }

    /** The fids at rows N, 2N, ... in fid order, read one by one. */
    private static List<Long> everyNth(Path file, String layer) throws Exception {
        List<Long> fids = Outputs.query(file, "SELECT fid FROM " + layer + " ORDER BY fid").stream()
                .map(r -> ((Number) r.get("fid")).longValue()).toList();
        List<Long> starts = new ArrayList<>();
        for (int row = N; row < fids.size(); row += N) {
            starts.add(fids.get(row));
        }
        return starts;
    }

    private static void execute(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
