package dev.cairn.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStores;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.LeaseLostException;
import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.StoreException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What is PostgreSQL's own: several machines (here: handles on their own connections) claiming at
 * once, leases measured on the server's clock (so with short real leases, since a test cannot
 * move that clock), a server restart between two calls, the schema version, claim prefetching.
 */
@ExtendWith(PostgresServer.class)
class PostgresStoreTest {

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

    /** A handle on the test database with the server's clock, as a worker machine opens it. */
    private PostgresStore open() {
        PostgresStore store = PostgresStore.open(url, null);
        opened.add(store);
        return store;
    }

    private static List<Asset> assets(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Asset(String.format("a%05d", i), "/in/" + i, null, "/out/" + i,
                100, 1)).toList();
    }

    private static AssetRecord record(CheckpointStore store, String id) {
        return store.assets(EnumSet.allOf(AssetState.class)).stream().filter(r -> r.asset().id().equals(id))
                .findFirst().orElseThrow();
    }

    private Instant serverNow() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), PostgresServer.Cluster.properties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private String jdbcUrl() {
        return PostgresLocation.parse(url, n -> null).jdbcUrl();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), PostgresServer.Cluster.properties());
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void twoStoresOnTheirOwnConnectionsClaimingAtOnceNeverGetTheSameAsset() throws Exception {
        PostgresStore first = open();
        first.createJob(new JobSpec("t", Map.of()).toRecord(Instant.parse("2024-01-01T00:00:00Z")));
        first.plan(assets(2_000));
        PostgresStore second = open();
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
                    while ((claim = store.claim(worker, Duration.ofMinutes(5))).isPresent()) {
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
            List<Integer> perWorker = new ArrayList<>();
            for (Future<Integer> result : results) {
                perWorker.add(result.get(120, TimeUnit.SECONDS));
            }
            assertThat(perWorker.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2_000);
            assertThat(perWorker).as("both machines worked").allSatisfy(n -> assertThat(n).isPositive());
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).isEmpty();
        assertThat(first.counts()).containsEntry(AssetState.DONE, 2_000L).containsEntry(AssetState.RUNNING, 0L);
        assertThat(second.assets(EnumSet.allOf(AssetState.class))).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
    }

    @Test
    void leasesAreMeasuredOnTheServerClockAndHeartbeatsExtendThem() throws Exception {
        PostgresStore store = open();
        store.plan(assets(1));
        Duration lease = Duration.ofMillis(1_500);

        Instant before = serverNow();
        Claim claim = store.claim("w1", lease).orElseThrow();
        Instant after = serverNow();
        assertThat(claim.leaseUntil()).isBetween(before.plus(lease), after.plus(lease));

        PostgresStore other = open();
        Thread.sleep(1_000);
        store.heartbeat("w1", lease);
        Instant extended = record(other, claim.asset().id()).leaseUntil();
        assertThat(extended).isAfter(claim.leaseUntil());
        Thread.sleep(700); // past the first lease, within the extended one
        assertThat(serverNow()).isAfter(claim.leaseUntil());
        assertThat(other.claim("w2", lease)).as("the heartbeat kept the lease").isEmpty();

        while (serverNow().compareTo(extended) <= 0) {
            Thread.sleep(100);
        }
        Claim takeover = other.claim("w2", lease).orElseThrow();
        assertThat(takeover.attempt()).isEqualTo(2);
    }

    @Test
    void aLateCompleteFromALostLeaseIsRejectedAndChangesNothing() throws Exception {
        PostgresStore paused = open();
        paused.plan(assets(1));
        Claim old = paused.claim("paused", Duration.ofMillis(300)).orElseThrow();
        Thread.sleep(600); // a GC pause, a frozen VM: no heartbeat
        PostgresStore live = open();
        Claim takeover = live.claim("live", Duration.ofMinutes(5)).orElseThrow();
        AssetRecord before = record(live, old.asset().id());
        int events = live.events(1_000).size();

        assertThatThrownBy(() -> paused.complete(old, new Outcome(9, 0, "late"))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> paused.fail(old, ErrorClass.IO, "late", true, 1)).isInstanceOf(LeaseLostException.class);

        assertThat(record(live, old.asset().id())).isEqualTo(before);
        assertThat(live.events(1_000)).hasSize(events);
        assertThat(before.worker()).isEqualTo("live");
        assertThat(before.attempt()).isEqualTo(takeover.attempt()).isEqualTo(2);
        live.complete(takeover, new Outcome(1, 0, "ok"));
        assertThat(record(paused, old.asset().id()).checksum()).isEqualTo("ok");
    }

    @Test
    void aServerRestartBetweenTwoCallsIsSurvivedByTheRetry() {
        PostgresStore store = open();
        store.plan(assets(3));
        Claim claim = store.claim("w1", Duration.ofMinutes(5)).orElseThrow();

        PostgresServer.cluster().restart();

        store.complete(claim, new Outcome(1, 0, "after restart"));
        Claim next = store.claim("w1", Duration.ofMinutes(5)).orElseThrow();
        assertThat(next.asset().id()).isNotEqualTo(claim.asset().id());
        assertThat(record(store, claim.asset().id()).checksum()).isEqualTo("after restart");
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("done")).hasSize(1);
    }

    @Test
    void aServerDownForAWhileIsWaitedForAndAReplayedCompleteIsNotAppliedTwice() throws Exception {
        PostgresStore store = open();
        store.plan(assets(2));
        Claim claim = store.claim("w1", Duration.ofMinutes(5)).orElseThrow();
        PostgresServer.Cluster cluster = PostgresServer.cluster();
        cluster.stop();
        Thread restarter = new Thread(() -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                return;
            }
            cluster.startAgain();
        });
        restarter.start();
        try {
            store.complete(claim, new Outcome(1, 0, "x"));
        } finally {
            restarter.join();
        }

        assertThat(record(store, claim.asset().id()).state()).isEqualTo(AssetState.DONE);
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("done")).hasSize(1);
    }

    @Test
    void aNewerSchemaVersionIsRefusedWithAClearMessage() throws SQLException {
        open().close();
        sql("UPDATE cairn.schema_version SET version = 99");

        assertThatThrownBy(() -> PostgresStore.open(url, null)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("up to " + PostgresSchema.VERSION);
        assertThatThrownBy(() -> PostgresStore.openReadOnly(url, null)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99");
    }

    @Test
    void theSchemaIsCreatedOnceInItsOwnSchemaWithItsVersion() throws SQLException {
        open();
        open();
        try (Connection c = DriverManager.getConnection(jdbcUrl(), PostgresServer.Cluster.properties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM cairn.schema_version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(PostgresSchema.VERSION);
            assertThat(rs.next()).as("one version row").isFalse();
        }
    }

    @Test
    void readOnlyOnADatabaseWithoutAStoreIsNoSuchCheckpointAndCreatesNothing() throws SQLException {
        assertThatThrownBy(() -> PostgresStore.openReadOnly(url, null)).isInstanceOf(NoSuchCheckpointException.class)
                .hasMessageContaining("no schema cairn");
        try (Connection c = DriverManager.getConnection(jdbcUrl(), PostgresServer.Cluster.properties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'cairn'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void claimsFetchedInAdvanceAreReleasedOnCloseAndOnlyTheHandedOutOnesStayRunning() {
        PostgresStore store = open();
        store.plan(assets(100));
        PostgresStore observer = open();
        List<Claim> handedOut = new ArrayList<>();
        for (int i = 0; i < 24; i++) { // a fast worker: batches grow after its first 8 (ClaimQueue)
            handedOut.add(store.claim("w1", Duration.ofMinutes(5)).orElseThrow());
        }

        long running = observer.counts().get(AssetState.RUNNING);
        store.close();

        assertThat(running).isGreaterThanOrEqualTo(24L);
        assertThat(observer.counts()).containsEntry(AssetState.RUNNING, 24L).containsEntry(AssetState.PENDING, 76L);
        assertThat(observer.assets(EnumSet.of(AssetState.RUNNING))).extracting(r -> r.asset().id())
                .containsExactlyInAnyOrderElementsOf(handedOut.stream().map(c -> c.asset().id()).toList());
        assertThat(observer.events(1_000)).filteredOn(e -> e.kind().equals("released"))
                .hasSize((int) running - 24)
                .allSatisfy(e -> assertThat(e.detail()).isEqualTo(PostgresStore.PREFETCH_RELEASED));
    }

    @Test
    void theProviderIsFoundByTheEngineForPostgresqlUrls() {
        assertThat(CheckpointStores.schemes()).contains("postgresql");
        JobRecord job = new JobSpec("t", Map.of("k", "v")).toRecord(Instant.parse("2024-01-01T00:00:00Z"));
        try (CheckpointStore store = CheckpointStores.open(url, job.id(), false)) {
            assertThat(store).isInstanceOf(PostgresStore.class);
            assertThat(store.job()).isEmpty();
            store.createJob(job);
        }
        try (CheckpointStore store = CheckpointStores.open(url, null, true)) {
            assertThat(store.job()).isPresent();
            assertThatThrownBy(() -> store.plan(assets(1))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only");
        }
        assertThatThrownBy(() -> CheckpointStores.open(url, "no-such-job", true))
                .isInstanceOf(NoSuchCheckpointException.class).hasMessageContaining(job.id());
    }
}
