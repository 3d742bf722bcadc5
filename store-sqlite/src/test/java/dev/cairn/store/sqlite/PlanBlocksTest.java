package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Claim;
import dev.cairn.engine.Event;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PlanBlocks} against a plan of rows, side by side: the same plans into two checkpoints,
 * one written as rows and one as blocks of three, then the same claims, completions and reads.
 * Sizes are random with many ties and the second plan brings larger inputs, so a block whose
 * head comes before the pending rows must be expanded before a claim, and not earlier.
 */
class PlanBlocksTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private SqliteStore store(String name, PlanBlocks.Layout layout) {
        SqliteStore store = SqliteStore.open(dir.resolve(name).resolve("checkpoint.db"), Clock.fixed(T0, ZoneOffset.UTC))
                .planBlocks(layout);
        store.createJob(new JobSpec("convert", Map.of("format", "gpkg")).toRecord(T0));
        return store;
    }

    private static List<Asset> assets(String prefix, int n, int maxSize, long seed) {
        Random random = new Random(seed);
        return IntStream.range(0, n)
                .mapToObj(i -> new Asset(prefix + i, "/in/" + prefix + i, i % 7 == 0 ? "part " + i : null,
                        "/out/" + prefix + i, random.nextInt(maxSize), i))
                .toList();
    }

    @Test
    void claimsCountsListingsAndEventsOfABlockedPlanAreThoseOfAPlanOfRows() {
        try (SqliteStore rows = store("rows", PlanBlocks.Layout.DEFAULT);
             SqliteStore blocks = store("blocks", new PlanBlocks.Layout(1, 3))) {
            List<Asset> first = assets("a", 400, 20, 1);
            List<Asset> second = assets("b", 150, 40, 2);
            for (SqliteStore store : List.of(rows, blocks)) {
                store.plan(first);
            }
            List<String> rowClaims = new ArrayList<>();
            List<String> blockClaims = new ArrayList<>();
            claimAndComplete(rows, 50, rowClaims);
            claimAndComplete(blocks, 50, blockClaims);
            assertThat(blockClaims).isEqualTo(rowClaims);
            assertThat(blocksWithAssetsNotTaken()).as("the blocks not yet reached").isGreaterThan(100);

            for (SqliteStore store : List.of(rows, blocks)) {
                store.plan(second); // larger inputs: their blocks come first
            }
            assertThat(blocks.counts()).isEqualTo(rows.counts());
            assertThat(blocks.assets(EnumSet.allOf(AssetState.class)))
                    .isEqualTo(rows.assets(EnumSet.allOf(AssetState.class)));
            assertSameEvents(blocks.events(100_000), rows.events(100_000));
            assertThat(blocks.events(7)).isEqualTo(rows.events(7));

            claimAndComplete(rows, Integer.MAX_VALUE, rowClaims);
            claimAndComplete(blocks, Integer.MAX_VALUE, blockClaims);
            assertThat(blockClaims).hasSize(550).isEqualTo(rowClaims);
            assertThat(blocks.counts()).isEqualTo(rows.counts()).containsEntry(AssetState.DONE, 550L);
            assertSameEvents(blocks.events(100_000), rows.events(100_000));
            assertThat(blocksWithAssetsNotTaken()).isZero();
            assertThat(blockCount()).as("the blocks stay, with the planned events: 400 / 3 + 150 / 3").isEqualTo(184);
        }
    }

    @Test
    void aReplanThatChangesOrDropsAnAssetStillInABlockActsAsOnItsRow() {
        try (SqliteStore rows = store("rows", PlanBlocks.Layout.DEFAULT);
             SqliteStore blocks = store("blocks", new PlanBlocks.Layout(1, 4))) {
            List<Asset> plan = new ArrayList<>(assets("a", 40, 5, 3));
            for (SqliteStore store : List.of(rows, blocks)) {
                store.plan(plan);
            }
            Asset changed = plan.get(17);
            plan.set(17, new Asset(changed.id(), changed.input(), changed.part(), changed.output(),
                    changed.inputSize() + 1, changed.inputMtimeMillis()));
            plan.remove(30);
            for (SqliteStore store : List.of(rows, blocks)) {
                assertThat(store.plan(plan).changed()).isEqualTo(1);
                assertThat(store.removeUnplanned(plan.stream().map(Asset::id).toList())).isEqualTo(1);
            }
            assertThat(blocks.assets(EnumSet.allOf(AssetState.class)))
                    .isEqualTo(rows.assets(EnumSet.allOf(AssetState.class)));
            assertSameEvents(blocks.events(1_000), rows.events(1_000));
            assertThat(blockCount()).as("of 10 blocks, only the one or two holding them were dissolved")
                    .isBetween(8L, 9L);
        }
    }

    @Test
    void aLargePlanIsStoredAsBlocksAndCountedAsPending() throws SQLException {
        Path db = dir.resolve("large").resolve("checkpoint.db");
        try (SqliteStore store = SqliteStore.open(db)) {
            store.createJob(new JobSpec("convert", Map.of()).toRecord(T0));
            store.plan(assets("a", 140_000, 1_000, 4));
            assertThat(store.counts()).containsEntry(AssetState.PENDING, 140_000L);
            assertThat(store.claim("w", LEASE)).isPresent();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM plan_block")).as("140,000 in blocks of up to 4,096")
                    .isEqualTo(35);
            assertThat(count(st, "SELECT count(*) FROM asset")).as("a row for each asset claimed, no other")
                    .isEqualTo(count(st, "SELECT count(*) FROM event WHERE kind = 'claimed'")).isBetween(1L, 64L);
            assertThat(count(st, "SELECT count(*) FROM asset WHERE state = 'running'")).isBetween(1L, 64L);
            assertThat(count(st, "SELECT count(*) FROM event WHERE kind = 'planned'")).as("read from the blocks")
                    .isZero();
        }
    }

    /**
     * The same lineage: the same 'planned' events under the same seqs, and for every asset the same
     * events in the same order. How claims and completions interleave in the log depends on the
     * batch sizes, which follow the worker's pace, so the log as a whole is not compared.
     */
    private static void assertSameEvents(List<Event> actual, List<Event> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(actual.stream().filter(e -> e.kind().equals("planned")).toList())
                .isEqualTo(expected.stream().filter(e -> e.kind().equals("planned")).toList());
        assertThat(byAsset(actual)).isEqualTo(byAsset(expected));
    }

    private static Map<String, List<String>> byAsset(List<Event> events) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Event e : events) {
            out.computeIfAbsent(String.valueOf(e.assetId()), k -> new ArrayList<>()).add(String.join(" ",
                    e.kind(), String.valueOf(e.worker()), String.valueOf(e.attempt()), String.valueOf(e.detail()),
                    e.at().toString(), String.valueOf(e.fingerprint())));
        }
        return out;
    }

    private static void claimAndComplete(SqliteStore store, int max, List<String> ids) {
        for (int i = 0; i < max; i++) {
            Optional<Claim> claim = store.claim("w", LEASE);
            if (claim.isEmpty()) {
                return;
            }
            ids.add(claim.get().asset().id());
            store.complete(claim.get(), new Outcome(1, 0, null));
        }
    }

    private long blockCount() {
        return blocks("SELECT count(*) FROM plan_block");
    }

    private long blocksWithAssetsNotTaken() {
        return blocks("SELECT count(*) FROM plan_block WHERE taken < assets");
    }

    private long blocks(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("blocks").resolve("checkpoint.db"));
             Statement st = c.createStatement()) {
            return count(st, sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
