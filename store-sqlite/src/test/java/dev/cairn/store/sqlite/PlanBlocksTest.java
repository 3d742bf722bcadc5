package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link PlanBlocks} adds to the store contract (which {@link PlanBlocksContractTest} runs
 * with blocks of two): claims follow the claim order across blocks and plans exactly, a block's
 * assets become rows only when claimed, their planned events keep the seqs a plan of rows would
 * give them, a re-plan dissolves only the blocks it must, and a version 3 checkpoint gains the
 * table when opened for writing and reads without it when opened read-only.
 */
class PlanBlocksTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private Path db;

    private SqliteStore store(PlanBlocks.Layout layout) {
        db = dir.resolve("checkpoint.db");
        SqliteStore store = SqliteStore.open(db, Clock.fixed(T0, ZoneOffset.UTC)).planBlocks(layout);
        store.createJob(new JobSpec("convert", Map.of("format", "gpkg")).toRecord(T0));
        return store;
    }

    /** Random sizes below {@code maxSize}, so many ties; every seventh a chunk (with a part). */
    private static List<Asset> assets(String prefix, int n, int maxSize, long seed) {
        Random random = new Random(seed);
        return IntStream.range(0, n)
                .mapToObj(i -> new Asset(prefix + i, "/in/" + prefix + i, i % 7 == 0 ? "part " + i : null,
                        "/out/" + prefix + i, random.nextInt(maxSize), i))
                .toList();
    }

    @Test
    void claimsTakeTheLargestInputFirstAcrossBlocksAndPlansAndEachClaimedAssetBecomesARow() throws SQLException {
        try (SqliteStore store = store(new PlanBlocks.Layout(3))) {
            List<Asset> first = assets("a", 400, 20, 1);
            List<Asset> second = assets("b", 150, 40, 2); // larger inputs: their blocks come first
            Map<String, Long> seqs = new HashMap<>();
            store.plan(first);
            for (int i = 0; i < first.size(); i++) {
                seqs.put(first.get(i).id(), i + 1L);
            }
            List<String> claimed = claimAndComplete(store, 50);
            assertThat(claimed).isEqualTo(claimOrder(first, seqs).subList(0, 50));
            assertThat(count("SELECT count(*) FROM asset")).as("rows: the claimed ones and those fetched with them")
                    .isBetween(50L, 50L + 64);
            assertThat(count("SELECT count(*) FROM event WHERE kind = 'planned'")).as("read from the blocks").isZero();

            store.plan(second);
            for (int i = 0; i < second.size(); i++) {
                seqs.put(second.get(i).id(), first.size() + i + 1L);
            }
            List<Asset> rest = new ArrayList<>(second);
            Set<String> done = new HashSet<>(claimed);
            first.stream().filter(a -> !done.contains(a.id())).forEach(rest::add);
            assertThat(store.counts()).containsEntry(AssetState.PENDING, (long) rest.size())
                    .containsEntry(AssetState.DONE, 50L).containsEntry(AssetState.RUNNING, 0L);
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).extracting(r -> r.asset().id())
                    .as("planning order").containsExactlyElementsOf(concat(first, second).stream().map(Asset::id).toList());

            List<String> after = claimAndComplete(store, Integer.MAX_VALUE);
            assertThat(after).isEqualTo(claimOrder(rest, seqs));
            assertThat(store.counts()).containsEntry(AssetState.DONE, 550L).containsEntry(AssetState.PENDING, 0L);
            assertThat(count("SELECT count(*) FROM plan_block WHERE taken < assets")).isZero();
            assertThat(count("SELECT count(*) FROM plan_block")).as("the blocks stay: 400 / 3 + 150 / 3")
                    .isEqualTo(184);

            List<Event> events = store.events(100_000);
            List<Event> planned = events.stream().filter(e -> e.kind().equals("planned")).toList();
            assertThat(planned).extracting(Event::assetId).containsExactlyElementsOf(
                    concat(first, second).stream().map(Asset::id).toList());
            assertThat(planned.subList(0, 400)).extracting(Event::seq)
                    .as("the first plan's events come first, in planning order")
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 400).mapToObj(i -> (long) i).toList());
            assertThat(planned.get(400).seq()).as("the second plan's after every event before it")
                    .isGreaterThan(events.stream().filter(e -> e.kind().equals("done")).mapToLong(Event::seq)
                            .limit(50).max().orElseThrow());
            assertThat(events).extracting(Event::seq).isSorted().doesNotHaveDuplicates();
            Map<String, List<String>> kinds = new HashMap<>();
            events.forEach(e -> kinds.computeIfAbsent(e.assetId(), k -> new ArrayList<>()).add(e.kind()));
            List<String> once = List.of("planned", "claimed", "done");
            List<String> releasedOnce = List.of("planned", "claimed", "released", "claimed", "done");
            assertThat(kinds).hasSize(550).allSatisfy((id, k) -> assertThat(k).isIn(once, releasedOnce));
        }
    }

    @Test
    void aReplanThatChangesOrDropsAnAssetStillInABlockDissolvesOnlyTheBlocksHoldingThem() throws SQLException {
        try (SqliteStore store = store(new PlanBlocks.Layout(4))) {
            List<Asset> plan = new ArrayList<>(assets("a", 40, 5, 3));
            store.plan(plan);
            Asset changed = plan.get(17);
            Asset bigger = new Asset(changed.id(), changed.input(), changed.part(), changed.output(),
                    changed.inputSize() + 10, changed.inputMtimeMillis());
            plan.set(17, bigger);
            Asset dropped = plan.remove(30);

            assertThat(store.plan(plan).changed()).isEqualTo(1);
            assertThat(store.removeUnplanned(plan.stream().map(Asset::id).toList())).isEqualTo(1);

            assertThat(count("SELECT count(*) FROM plan_block")).as("of 10 blocks, only the one or two holding them")
                    .isBetween(8L, 9L);
            List<AssetRecord> all = store.assets(EnumSet.allOf(AssetState.class));
            assertThat(all).extracting(AssetRecord::asset).containsExactlyElementsOf(plan);
            assertThat(all).allSatisfy(r -> assertThat(r.state()).isEqualTo(AssetState.PENDING));
            List<Event> events = store.events(1_000);
            assertThat(events.stream().filter(e -> e.kind().equals("planned"))).hasSize(40);
            assertThat(events).filteredOn(e -> !e.kind().equals("planned")).extracting(Event::assetId, Event::kind)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(changed.id(), "replanned"),
                            org.assertj.core.groups.Tuple.tuple(dropped.id(), "removed"));
            assertThat(store.claim("w", LEASE).orElseThrow().asset()).as("now the largest").isEqualTo(bigger);
        }
    }

    @Test
    void aLargePlanIsWrittenAsBlocksAndItsAssetsBecomeRowsOnlyWhenClaimed() throws SQLException {
        try (SqliteStore store = store(PlanBlocks.Layout.DEFAULT)) {
            store.plan(assets("a", 140_000, 1_000, 4));
            assertThat(store.counts()).containsEntry(AssetState.PENDING, 140_000L);
            assertThat(store.claim("w", LEASE)).isPresent();
        }
        assertThat(count("SELECT count(*) FROM plan_block")).as("140,000 in blocks of up to 4,096").isEqualTo(35);
        assertThat(count("SELECT count(*) FROM asset")).as("a row for each asset claimed, no other")
                .isEqualTo(count("SELECT count(*) FROM event WHERE kind = 'claimed'")).isBetween(1L, 64L);
        assertThat(count("SELECT count(*) FROM event WHERE kind = 'planned'")).as("read from the blocks").isZero();
    }

    @Test
    void aVersion3CheckpointGainsThePlanBlockTableWhenOpenedForWritingAndReadsWithoutItReadOnly() throws SQLException {
        try (SqliteStore store = store(PlanBlocks.Layout.DEFAULT)) {
            store.plan(List.of(new Asset("a", "/in/a", null, "/out/a", 10, 1)));
            store.claim("w", LEASE).orElseThrow();
        }
        try (Connection c = DriverManager.getConnection(SqliteSchema.jdbcUrl(db)); Statement st = c.createStatement()) {
            st.execute("DROP TABLE plan_block"); // what a version 3 checkpoint lacks
            st.execute("UPDATE schema_version SET version = 3");
        }
        try (SqliteStore ro = SqliteStore.openReadOnly(db)) {
            assertThat(ro.counts()).containsEntry(AssetState.RUNNING, 1L).containsEntry(AssetState.PENDING, 0L);
            assertThat(ro.assets(EnumSet.of(AssetState.PENDING))).isEmpty();
        }
        assertThat(count("SELECT version FROM schema_version")).as("read-only: not migrated").isEqualTo(3);
        try (SqliteStore rw = SqliteStore.open(db, Clock.fixed(T0, ZoneOffset.UTC))) {
            rw.plan(List.of(new Asset("a", "/in/a", null, "/out/a", 10, 1), new Asset("b", "/in/b", null, "/out/b", 5, 1)));
            assertThat(rw.counts()).containsEntry(AssetState.RUNNING, 1L).containsEntry(AssetState.PENDING, 1L);
        }
        assertThat(count("SELECT version FROM schema_version")).isEqualTo(SqliteSchema.VERSION);
        assertThat(count("SELECT count(*) FROM plan_block")).isEqualTo(1);
    }

    /** The ids in the order claims must take them: larger input first, then planning order. */
    private static List<String> claimOrder(List<Asset> assets, Map<String, Long> seqs) {
        return assets.stream()
                .sorted(Comparator.comparingLong(Asset::inputSize).reversed()
                        .thenComparingLong(a -> seqs.get(a.id())))
                .map(Asset::id).toList();
    }

    private static List<Asset> concat(List<Asset> a, List<Asset> b) {
        List<Asset> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> claimAndComplete(SqliteStore store, int max) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            Optional<Claim> claim = store.claim("w", LEASE);
            if (claim.isEmpty()) {
                break;
            }
            ids.add(claim.get().asset().id());
            store.complete(claim.get(), new Outcome(1, 0, null));
        }
        return ids;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SqliteSchema.jdbcUrl(db)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
