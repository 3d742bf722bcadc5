package dev.cairn.geo.gpkg;

import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpkgChunkConverterTest {
    private static final GpkgConverter.Options TO_WGS84 = new GpkgConverter.Options("EPSG:4326", null);
    private static final int CHUNK = 700;

    @TempDir
    static Path dir;
    static Path input;
    static Path unchunked;

    @BeforeAll
    static void inputAndUnchunkedConversion() throws Exception {
        input = dir.resolve("in.gpkg");
        SampleData.writeGpkg(input, List.of(
                new LayerSpec("points", GeometryKind.POINT, 2056, 3_000),
                new LayerSpec("areas", GeometryKind.MULTIPOLYGON, 32632, 250, true)), 7L);
        unchunked = dir.resolve("unchunked.gpkg");
        GpkgConverter.convert(input, unchunked, TO_WGS84, new CountingContext());
    }

    static List<ChunkSpec> plan(Path file, long size, String key) {
        List<FidRangePlanner.LayerRanges> ranges = FidRangePlanner.plan(file, size);
        int total = ranges.stream().mapToInt(FidRangePlanner.LayerRanges::chunks).sum();
        List<ChunkSpec> chunks = new ArrayList<>();
        for (FidRangePlanner.LayerRanges r : ranges) {
            for (int k = 0; k < r.chunks(); k++) {
                chunks.add(new ChunkSpec(r.layer(), k, r.chunks(), total, r.from(k), r.to(k), key));
            }
        }
        return chunks;
    }

    static String id(ChunkSpec c) {
        return "in.gpkg#" + c.layer() + "[" + c.index() + "]";
    }

    @Test
    void rangesCoverEveryFidExactlyOnceWithChunkSizedRanges() throws Exception {
        List<ChunkSpec> chunks = plan(input, CHUNK, "abc");
        assertThat(chunks).extracting(ChunkSpec::layer).containsOnly("points", "areas");
        assertThat(chunks.stream().filter(c -> c.layer().equals("points")).count()).isEqualTo(5); // ceil(3000 / 700)
        assertThat(chunks.stream().filter(c -> c.layer().equals("areas")).count()).isEqualTo(1);
        assertThat(chunks).allSatisfy(c -> assertThat(c.fileChunks()).isEqualTo(6));
        for (String layer : List.of("points", "areas")) {
            List<Long> fids = Outputs.query(input, "SELECT fid FROM " + layer + " ORDER BY fid").stream()
                    .map(r -> ((Number) r.get("fid")).longValue()).toList();
            List<ChunkSpec> mine = chunks.stream().filter(c -> c.layer().equals(layer)).toList();
            int[] perChunk = new int[mine.size()];
            for (long fid : fids) {
                List<Integer> owners = new ArrayList<>();
                for (int k = 0; k < mine.size(); k++) {
                    if (mine.get(k).contains(fid)) {
                        owners.add(k);
                    }
                }
                assertThat(owners).as("chunks holding fid %d of %s", fid, layer).hasSize(1);
                perChunk[owners.get(0)]++;
            }
            for (int k = 0; k < mine.size() - 1; k++) {
                assertThat(perChunk[k]).isEqualTo(CHUNK);
            }
            assertThat(mine.get(0).fidFrom()).isNull();
            assertThat(mine.get(mine.size() - 1).fidTo()).isNull();
        }
    }

    @Test
    void planIsStableAndItsPartTextRoundTrips() {
        assertThat(plan(input, CHUNK, "abc")).isEqualTo(plan(input, CHUNK, "abc"));
        for (ChunkSpec c : plan(input, CHUNK, "0123ab")) {
            assertThat(ChunkSpec.parse(c.toPart())).isEqualTo(c);
        }
        ChunkSpec odd = new ChunkSpec("a;b=c)[x", 1, 3, 4, -5L, null, "ff");
        assertThat(odd.toPart()).isEqualTo("chunk=1/3;file-chunks=4;fid=[-5,);plan=ff;layer=a;b=c)[x");
        assertThat(ChunkSpec.parse(odd.toPart())).isEqualTo(odd);
        assertThatThrownBy(() -> ChunkSpec.parse("layer=x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void smallFilesAndChunkingOffAreNotChunked() {
        assertThat(FidRangePlanner.plan(input, 3_000)).isEmpty();
        assertThat(FidRangePlanner.plan(input, 0)).isEmpty();
        assertThat(FidRangePlanner.plan(dir.resolve("missing.gpkg"), 10)).isEmpty();
    }

    @Test
    void chunksInAnyOrderFinaliseIntoTheUnchunkedOutput() throws Exception {
        Path out = dir.resolve("any-order").resolve("out.gpkg");
        Files.createDirectories(out.getParent());
        List<ChunkSpec> chunks = new ArrayList<>(plan(input, CHUNK, "a1"));
        java.util.Collections.reverse(chunks);
        long features = 0;
        int published = 0;
        for (ChunkSpec c : chunks) {
            assertThat(out).as("no output before the last chunk").doesNotExist();
            GpkgChunkConverter.Result r = GpkgChunkConverter.convert(input, out, id(c), c, TO_WGS84, new CountingContext());
            features += r.features();
            published += r.published() ? 1 : 0;
        }
        assertThat(published).isEqualTo(1);
        assertThat(features).isEqualTo(3_250);
        assertSameAsUnchunked(out);
    }

    @Test
    void aCommittedChunkRunAgainInsertsNothing() throws Exception {
        Path out = dir.resolve("rerun").resolve("out.gpkg");
        Files.createDirectories(out.getParent());
        List<ChunkSpec> chunks = plan(input, CHUNK, "b2");
        ChunkSpec first = chunks.get(0);
        long n = GpkgChunkConverter.convert(input, out, id(first), first, TO_WGS84, new CountingContext()).features();
        // As after a crash between the chunk's commit and its checkpoint: the same asset again.
        GpkgChunkConverter.Result again = GpkgChunkConverter.convert(input, out, id(first), first, TO_WGS84, new CountingContext());
        assertThat(again.features()).isEqualTo(n);
        Path staging = AtomicFiles.stagingFor(out, "b2");
        assertThat(Outputs.query(staging, "SELECT count(*) AS n FROM " + first.layer()).get(0).get("n")).isEqualTo((int) n);
        for (ChunkSpec c : chunks) {
            GpkgChunkConverter.convert(input, out, id(c), c, TO_WGS84, new CountingContext());
        }
        assertSameAsUnchunked(out);
        assertThat(staging).doesNotExist();
    }

    @Test
    void aChunkRedoneAfterThePublicationFindsTheMarkAndLeavesNoStagingFile() throws Exception {
        Path out = dir.resolve("late-redo").resolve("out.gpkg");
        Files.createDirectories(out.getParent());
        Path mark = dir.resolve("late-redo").resolve(".cairn").resolve("published").resolve("c3");
        List<ChunkSpec> chunks = plan(input, CHUNK, "c3");
        for (ChunkSpec c : chunks) {
            GpkgChunkConverter.convert(input, out, id(c), c, TO_WGS84, new CountingContext(), GpkgChunkConverter.RENAME,
                    mark);
        }
        assertThat(mark).exists();
        Path staging = AtomicFiles.stagingFor(out, "c3");
        assertThat(staging).doesNotExist();
        // A chunk whose rows went in but whose checkpoint was lost, redone after another chunk published.
        ChunkSpec late = chunks.get(1);
        GpkgChunkConverter.Result r = GpkgChunkConverter.convert(input, out, id(late), late, TO_WGS84,
                new CountingContext(), GpkgChunkConverter.RENAME, mark);
        assertThat(r.published()).isTrue();
        assertThat(r.features()).isEqualTo(CHUNK);
        assertThat(r.checksum()).isEqualTo(AtomicFiles.checksum(out));
        assertThat(staging).as("no new staging file").doesNotExist();
        assertSameAsUnchunked(out);

        // Without the mark (reset --all, verify --repair), the same chunk starts a new staging file.
        Files.delete(mark);
        GpkgChunkConverter.Result fresh = GpkgChunkConverter.convert(input, out, id(late), late, TO_WGS84,
                new CountingContext(), GpkgChunkConverter.RENAME, mark);
        assertThat(fresh.published()).isFalse();
        assertThat(staging).exists();
    }

    @Test
    void aStopMidChunkRollsBackAndTheRedoCommitsOnce() throws Exception {
        Path out = dir.resolve("stopped").resolve("out.gpkg");
        Files.createDirectories(out.getParent());
        List<ChunkSpec> chunks = plan(input, CHUNK, "c3");
        CountingContext stopping = new CountingContext() {
            @Override
            public boolean stopRequested() {
                return true; // the first stop check (after 5,000 rows) would throw; chunks are smaller
            }
        };
        GpkgChunkConverter.convert(input, out, id(chunks.get(0)), chunks.get(0), TO_WGS84, stopping);
        for (ChunkSpec c : chunks) {
            GpkgChunkConverter.convert(input, out, id(c), c, TO_WGS84, new CountingContext());
        }
        assertSameAsUnchunked(out);
    }

    @Test
    void overlappingRangesFailLoudlyInsteadOfDuplicating() throws Exception {
        Path out = dir.resolve("overlap").resolve("out.gpkg");
        Files.createDirectories(out.getParent());
        List<Long> fids = Outputs.query(input, "SELECT fid FROM points ORDER BY fid").stream()
                .map(r -> ((Number) r.get("fid")).longValue()).toList();
        ChunkSpec a = new ChunkSpec("points", 0, 2, 3, null, fids.get(500), "d4");
        ChunkSpec b = new ChunkSpec("points", 1, 2, 3, fids.get(400), null, "d4");
        GpkgChunkConverter.convert(input, out, "x#points[0]", a, TO_WGS84, new CountingContext());
        assertThatThrownBy(() -> GpkgChunkConverter.convert(input, out, "x#points[1]", b, TO_WGS84, new CountingContext()))
                .isInstanceOfSatisfying(AssetFailure.class, f -> {
                    assertThat(f.errorClass()).isEqualTo(ErrorClass.INTERNAL);
                    assertThat(f.isTransient()).isFalse();
                    assertThat(f.getMessage()).contains("fid " + fids.get(400)).contains("already in the output");
                });
        assertThat(Outputs.query(AtomicFiles.stagingFor(out, "d4"), "SELECT count(*) AS n FROM points").get(0).get("n"))
                .as("the failed chunk rolled back").isEqualTo(500);
    }

    private static void assertSameAsUnchunked(Path out) throws Exception {
        for (String layer : List.of("points", "areas")) {
            List<Map<String, Object>> expected = Outputs.query(unchunked, "SELECT * FROM " + layer + " ORDER BY fid");
            List<Map<String, Object>> actual = Outputs.query(out, "SELECT * FROM " + layer + " ORDER BY fid");
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Map<String, Object> e = expected.get(i);
                Map<String, Object> a = actual.get(i);
                assertThat(a.keySet()).containsExactlyElementsOf(e.keySet());
                for (String k : e.keySet()) {
                    assertThat(a.get(k)).as("%s fid %s column %s", layer, e.get("fid"), k).isEqualTo(e.get(k));
                }
            }
            String rtree = "rtree_" + layer + "_geom";
            assertThat(Outputs.query(out, "SELECT * FROM " + rtree + " ORDER BY id"))
                    .isEqualTo(Outputs.query(unchunked, "SELECT * FROM " + rtree + " ORDER BY id"));
        }
        for (String sql : List.of(
                "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents ORDER BY 1",
                "SELECT * FROM gpkg_geometry_columns ORDER BY 1",
                "SELECT * FROM gpkg_extensions ORDER BY 1",
                "SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id",
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') ORDER BY name",
                "PRAGMA application_id", "PRAGMA user_version", "PRAGMA integrity_check", "PRAGMA freelist_count")) {
            assertThat(Outputs.query(out, sql)).as(sql).isEqualTo(Outputs.query(unchunked, sql));
        }
        assertThat(Outputs.query(out, "SELECT name FROM sqlite_master WHERE name LIKE 'cairn%'")).isEmpty();
        Set<String> leftovers = new HashSet<>();
        try (Stream<Path> files = Files.list(out.getParent())) {
            files.filter(p -> AtomicFiles.isStaging(p) || AtomicFiles.isTemp(p)).forEach(p -> leftovers.add(p.toString()));
        }
        assertThat(leftovers).isEmpty();
    }
}
