package dev.cairn.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.Claim;
import dev.cairn.engine.Event;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@link PgPlanBlocks} promises beyond the store contract (which {@link PgPlanBlocksContractTest}
 * runs on blocks of two): claims in exactly the order of the sorted plan while blocks dissolve
 * under them, machines racing to dissolve the same block, planned events that keep their seqs
 * when their block becomes rows, the default layout, and a version 2 store.
 */
@ExtendWith(PostgresServer.class)
class PgPlanBlocksTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final List<CheckpointStore> opened = new ArrayList<>();
    private String url;

    @BeforeEach
    void database() {
        url = PostgresServer.cluster().newDatabase();
    }

    @AfterEach
    void close() {
        opened.forEach(CheckpointStore::close);
    }

    private PostgresStore open(PgPlanBlocks.Layout layout) {
        PostgresStore store = PostgresStore.open(url, null).planBlocks(layout);
        opened.add(store);
        return store;
    }

    private static List<Asset> assets(String prefix, int n, Random sizes) {
        return IntStream.range(0, n).mapToObj(i -> new Asset(String.format("%s%05d", prefix, i), "/in/" + prefix + i,
                null, "/out/" + prefix + i, sizes.nextInt(50), 1)).toList();
    }

    private long rows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresLocation.parse(url, n -> null).jdbcUrl(),
                PostgresServer.Cluster.properties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void claimsComeInTheOrderOfTheSortedPlanWhileBlocksOfTwoPlansDissolveUnderThem() {
        Random sizes = new Random(7);
        PostgresStore store = open(new PgPlanBlocks.Layout(1, 3));
        store.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        List<Asset> first = assets("a", 40, sizes);
        store.plan(first);
        for (int i = 0; i < 7; i++) {
            Claim claim = store.claim("w", LEASE).orElseThrow();
            store.complete(claim, new Outcome(1, 0, null));
        }
        List<Asset> second = new ArrayList<>(first);
        second.addAll(assets("b", 40, sizes));
        store.plan(second);

        // The plan order: seq = position in the plan (the first plan's, then the second's new ones).
        Map<String, Integer> seq = IntStream.range(0, second.size()).boxed()
                .collect(Collectors.toMap(i -> second.get(i).id(), i -> i));
        List<String> done = store.assets(EnumSet.of(AssetState.DONE)).stream().map(r -> r.asset().id()).toList();
        List<String> expected = second.stream().filter(a -> !done.contains(a.id()))
                .sorted(Comparator.comparingLong(Asset::inputSize).reversed()
                        .thenComparing(a -> seq.get(a.id())))
                .map(Asset::id).toList();
        List<String> claimed = new ArrayList<>();
        Optional<Claim> claim;
        while ((claim = store.claim("w", LEASE)).isPresent()) {
            claimed.add(claim.get().asset().id());
            store.complete(claim.get(), new Outcome(1, 0, null));
        }

        assertThat(claimed).containsExactlyElementsOf(expected);
        assertThat(store.counts()).containsEntry(AssetState.DONE, 80L).containsEntry(AssetState.PENDING, 0L);
    }

    @Test
    void plannedEventsKeepTheirSeqsWhenTheirBlockBecomesRows() throws SQLException {
        PostgresStore store = open(new PgPlanBlocks.Layout(1, 4, false));
        store.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        store.plan(assets("a", 10, new Random(1)));
        Map<String, Long> before = store.events(100).stream()
                .collect(Collectors.toMap(Event::assetId, Event::seq));
        assertThat(rows("SELECT count(*) FROM cairn.plan_block")).isEqualTo(3);

        Optional<Claim> claim;
        while ((claim = store.claim("w", LEASE)).isPresent()) {
            store.complete(claim.get(), new Outcome(1, 0, null));
        }

        assertThat(rows("SELECT count(*) FROM cairn.plan_block WHERE NOT dissolved")).as("every block dissolved")
                .isZero();
        List<Event> events = store.events(1_000);
        assertThat(events).extracting(Event::seq).isSorted().doesNotHaveDuplicates();
        assertThat(events.stream().filter(e -> e.kind().equals("planned"))
                .collect(Collectors.toMap(Event::assetId, Event::seq))).isEqualTo(before);
        assertThat(rows("SELECT count(*) FROM cairn.event WHERE kind = 'planned'"))
                .as("the block rows stay and hold the planned events").isZero();
        assertThat(events.get(0).kind()).isEqualTo("planned");
        assertThat(events.subList(0, 10)).extracting(Event::kind).containsOnly("planned");
    }

    @Test
    void machinesRacingToDissolveTheSameBlocksClaimEveryAssetExactlyOnce() throws Exception {
        PgPlanBlocks.Layout layout = new PgPlanBlocks.Layout(1, 50);
        PostgresStore first = open(layout);
        first.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        first.plan(assets("a", 3_000, new Random(3)));
        PostgresStore second = PostgresStore.open(url, first.job().orElseThrow().id()).planBlocks(layout);
        opened.add(second);
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        List<String> duplicates = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                PostgresStore store = t % 2 == 0 ? first : second;
                String worker = (t % 2 == 0 ? "machine-a" : "machine-b") + "/" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    Optional<Claim> claim;
                    while ((claim = store.claim(worker, LEASE)).isPresent()) {
                        if (claimedBy.putIfAbsent(claim.get().asset().id(), worker) != null) {
                            synchronized (duplicates) {
                                duplicates.add(claim.get().asset().id());
                            }
                        }
                        store.complete(claim.get(), new Outcome(1, 0, null));
                        mine++;
                    }
                    return mine;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(120, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(3_000);
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).isEmpty();
        assertThat(first.counts()).containsEntry(AssetState.DONE, 3_000L).containsEntry(AssetState.PENDING, 0L);
        assertThat(rows("SELECT count(*) FROM cairn.plan_block WHERE NOT dissolved")).isZero();
        assertThat(rows("SELECT count(*) FROM cairn.asset")).isEqualTo(3_000);
        List<Event> events = first.events(Integer.MAX_VALUE);
        assertThat(events).extracting(Event::seq).isSorted().doesNotHaveDuplicates();
        assertThat(events.stream().filter(e -> e.kind().equals("planned")).map(Event::assetId).distinct().count())
                .isEqualTo(3_000);
        assertThat(events.stream().filter(e -> e.kind().equals("planned"))).hasSize(3_000);
        assertThat(events.stream().filter(e -> e.kind().equals("claimed"))).hasSize(3_000);
    }

    @Test
    void aPlanOfOneHundredThousandNewAssetsIsTwentyFiveBlocksAndReadsLikeRows() throws SQLException {
        // Without the dissolver ahead, so that the blocks dissolved can be counted.
        PostgresStore store = open(new PgPlanBlocks.Layout(100_000, 4_096, false));
        store.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        List<Asset> plan = assets("a", 100_000, new Random(5));
        store.plan(plan);

        assertThat(rows("SELECT count(*) FROM cairn.plan_block")).isEqualTo(25);
        assertThat(rows("SELECT count(*) FROM cairn.asset")).isZero();
        assertThat(store.counts()).containsEntry(AssetState.PENDING, 100_000L);
        assertThat(store.assets(EnumSet.of(AssetState.PENDING))).extracting(r -> r.asset().id())
                .containsExactlyElementsOf(plan.stream().map(Asset::id).toList());
        assertThat(store.events(3)).extracting(Event::assetId).containsExactly("a99997", "a99998", "a99999");

        Claim claim = store.claim("w", LEASE).orElseThrow();

        assertThat(claim.asset().inputSize()).isEqualTo(plan.stream().mapToLong(Asset::inputSize).max().orElseThrow());
        assertThat(rows("SELECT count(*) FROM cairn.plan_block WHERE NOT dissolved"))
                .as("the first block dissolved, the others not").isEqualTo(24);
        assertThat(rows("SELECT count(*) FROM cairn.asset")).isEqualTo(4_096);
        assertThat(store.counts()).containsEntry(AssetState.PENDING, 99_999L).containsEntry(AssetState.RUNNING, 1L);
        assertThat(store.plan(plan).unchanged()).isEqualTo(100_000);
        assertThat(store.removeUnplanned(plan.subList(1, plan.size()).stream().map(Asset::id).toList()))
                .as("a00000, still in a block, goes unless it is the claimed one")
                .isEqualTo(claim.asset().id().equals("a00000") ? 0 : 1);
    }

    @Test
    void aVersion2StoreReadsWithoutBlocksWhileReadOnlyAndGetsThemWhenMigrated() throws SQLException {
        PostgresStore store = open(PgPlanBlocks.Layout.DEFAULT);
        store.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        store.plan(assets("a", 5, new Random(2)));
        String job = store.job().orElseThrow().id();
        store.close();
        try (Connection c = DriverManager.getConnection(PostgresLocation.parse(url, n -> null).jdbcUrl(),
                PostgresServer.Cluster.properties());
             Statement st = c.createStatement()) {
            st.execute("DROP TABLE cairn.plan_block");
            st.execute("UPDATE cairn.schema_version SET version = 2");
        }

        try (PostgresStore reader = PostgresStore.openReadOnly(url, job)) {
            assertThat(reader.counts()).containsEntry(AssetState.PENDING, 5L);
            assertThat(reader.assets(EnumSet.allOf(AssetState.class))).hasSize(5);
            assertThat(reader.events(100)).hasSize(5);
        }
        assertThat(rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'plan_block'")).isZero();

        PostgresStore migrated = open(new PgPlanBlocks.Layout(1, 2));
        assertThat(rows("SELECT version FROM cairn.schema_version")).isEqualTo(3);
        PostgresStore bound = PostgresStore.open(url, job).planBlocks(new PgPlanBlocks.Layout(1, 2));
        opened.add(bound);
        bound.plan(assets("a", 9, new Random(2)));
        assertThat(rows("SELECT count(*) FROM cairn.plan_block")).isEqualTo(2);
        assertThat(bound.counts()).containsEntry(AssetState.PENDING, 9L);
        assertThat(migrated.jobs()).hasSize(1);
    }
}
