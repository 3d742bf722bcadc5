package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;
import dev.cairn.engine.WorkerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's guarantees (DESIGN §2.5–2.7) over the real embedded store. */
class RunnerOnSqliteTest {
    @TempDir
    Path dir;
    SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("checkpoint.db"));
        store.createJob(new JobSpec("test", Map.of("k", "v")).toRecord(Instant.now()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<Asset> plan(int n) {
        List<Asset> assets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assets.add(new Asset("a" + i, "in/" + i, null, "out/" + i, 100 + i, 1));
        }
        store.plan(assets);
        return assets;
    }

    private Runner.Builder runner(AssetProcessor p) {
        return Runner.builder(store, p).workers(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5));
    }

    private AssetRecord record(String id) {
        return store.assets(EnumSet.allOf(AssetState.class)).stream()
                .filter(r -> r.asset().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void transientFailuresAreRetriedUntilTheySucceed() {
        plan(1);
        AtomicInteger calls = new AtomicInteger();
        RunReport report = runner((asset, ctx) -> {
            if (calls.incrementAndGet() < 3) {
                throw AssetFailure.transientFailure(ErrorClass.IO, "disk busy", null);
            }
            return new Outcome(7, 0, null);
        }).maxTries(3).build().run();

        assertThat(calls).hasValue(3);
        assertThat(report.exitCode()).isEqualTo(0);
        assertThat(record("a0").state()).isEqualTo(AssetState.DONE);
        assertThat(record("a0").items()).isEqualTo(7);
    }

    @Test
    void ioExceptionsCountAsTransientAndBecomeDeadLettersWhenTriesRunOut() {
        plan(1);
        AtomicInteger calls = new AtomicInteger();
        RunReport report = runner((asset, ctx) -> {
            calls.incrementAndGet();
            throw new IOException("connection reset");
        }).maxTries(4).build().run();

        assertThat(calls).hasValue(4);
        AssetRecord r = record("a0");
        assertThat(r.state()).isEqualTo(AssetState.FAILED);
        assertThat(r.errorClass()).isEqualTo(ErrorClass.IO);
        assertThat(r.transientFailure()).isTrue();
        assertThat(r.tries()).isEqualTo(4);
        assertThat(r.message()).contains("connection reset").contains("in/0");
        assertThat(report.exitCode()).isEqualTo(12);
    }

    @Test
    void permanentFailuresAreDeadLetteredWithoutRetry() {
        plan(1);
        AtomicInteger calls = new AtomicInteger();
        RunReport report = runner((asset, ctx) -> {
            calls.incrementAndGet();
            throw AssetFailure.permanent(ErrorClass.FORMAT, asset.input() + ": not a GeoPackage (file is empty)");
        }).maxTries(5).build().run();

        assertThat(calls).hasValue(1);
        AssetRecord r = record("a0");
        assertThat(r.state()).isEqualTo(AssetState.FAILED);
        assertThat(r.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(r.transientFailure()).isFalse();
        assertThat(r.tries()).isEqualTo(1);
        assertThat(r.message()).isEqualTo("in/0: not a GeoPackage (file is empty)");
        assertThat(report.exitCode()).isEqualTo(11);
    }

    @Test
    void oneBadAssetDoesNotStopTheBatch() {
        plan(20);
        RunReport report = runner((asset, ctx) -> {
            if (asset.id().equals("a7")) {
                throw AssetFailure.permanent(ErrorClass.CRS, asset.input() + ": layer 'x' has no CRS");
            }
            return new Outcome(1, 0, null);
        }).build().run();

        assertThat(report.count(AssetState.DONE)).isEqualTo(19);
        assertThat(report.count(AssetState.FAILED)).isEqualTo(1);
        assertThat(report.failuresByClass()).containsEntry(ErrorClass.CRS, 1L);
        assertThat(report.exitCode()).isEqualTo(12);
    }

    @Test
    void anUnexpectedExceptionIsAnInternalDeadLetter() {
        plan(2);
        RunReport report = runner((asset, ctx) -> {
            if (asset.id().equals("a1")) {
                throw new IllegalStateException("boom");
            }
            return new Outcome(1, 0, null);
        }).build().run();

        assertThat(record("a1").errorClass()).isEqualTo(ErrorClass.INTERNAL);
        assertThat(record("a1").message()).contains("IllegalStateException: boom");
        assertThat(record("a0").state()).isEqualTo(AssetState.DONE);
        assertThat(report.exitCode()).isEqualTo(12);
    }

    @Test
    void doneAssetsAreNotProcessedAgainByALaterRun() {
        plan(5);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AssetProcessor p = (asset, ctx) -> {
            seen.merge(asset.id(), 1, Integer::sum);
            return new Outcome(1, 0, null);
        };
        runner(p).build().run();
        RunReport second = runner(p).build().run();

        assertThat(seen).hasSize(5).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(second.doneThisRun()).isZero();
        assertThat(second.exitCode()).isZero();
    }

    @Test
    void gracefulStopRollsBackInFlightAssetsToPending() throws Exception {
        plan(6);
        CountDownLatch inFlight = new CountDownLatch(2);
        Runner runner = runner((asset, ctx) -> {
            inFlight.countDown();
            while (true) {
                ctx.checkStop();
                Thread.sleep(5);
            }
        }).workers(2).build();
        Thread stopper = new Thread(() -> {
            try {
                inFlight.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runner.requestStop();
        });
        stopper.start();

        RunReport report = runner.run();
        stopper.join();

        assertThat(report.interrupted()).isTrue();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.count(AssetState.PENDING)).isEqualTo(6);
        assertThat(report.count(AssetState.RUNNING)).isZero();
        assertThat(report.count(AssetState.FAILED)).isZero();
    }

    @Test
    void claimsOfAProcessThatDiedOnThisHostAreRecoveredWithoutWaitingForTheLease() throws Exception {
        plan(3);
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Instant deadStart = dead.info().startInstant().orElse(Instant.now());
        store.registerWorker(new WorkerInfo("dead-worker", Runner.localHost(), dead.pid(), deadStart, Instant.now()));
        // The dead worker holds two claims with a lease far in the future.
        assertThat(store.claim("dead-worker", Duration.ofHours(1))).isPresent();
        assertThat(store.claim("dead-worker", Duration.ofHours(1))).isPresent();

        RunReport report = runner((asset, ctx) -> new Outcome(1, 0, null)).build().run();

        assertThat(report.count(AssetState.DONE)).isEqualTo(3);
        assertThat(report.exitCode()).isZero();
        assertThat(store.events(100)).anySatisfy(e -> assertThat(e.kind()).isEqualTo("recovered"));
    }

    @Test
    void claimsOfALiveWorkerAreLeftAloneUntilTheirLeaseExpires() {
        plan(2);
        ProcessHandle self = ProcessHandle.current();
        store.registerWorker(new WorkerInfo("other-live-worker", Runner.localHost(), self.pid(),
                self.info().startInstant().orElse(null), Instant.now()));
        assertThat(store.claim("other-live-worker", Duration.ofHours(1))).isPresent();

        RunReport report = runner((asset, ctx) -> new Outcome(1, 0, null)).build().run();

        assertThat(report.count(AssetState.DONE)).isEqualTo(1);
        assertThat(report.count(AssetState.RUNNING)).isEqualTo(1);
        assertThat(report.exitCode()).as("work held by another live worker is not finished").isEqualTo(1);
    }

    @Test
    void runUntilTheJobEndsAWorkerWaitsForAnotherLiveWorkersClaimAndTakesItOverWhenItsLeaseExpires() {
        plan(2);
        ProcessHandle self = ProcessHandle.current();
        store.registerWorker(new WorkerInfo("other-live-worker", Runner.localHost(), self.pid(),
                self.info().startInstant().orElse(null), Instant.now()));
        assertThat(store.claim("other-live-worker", Duration.ofMillis(1500))).isPresent();

        RunReport report = runner((asset, ctx) -> new Outcome(1, 0, null)).untilJobEnds(true).build().run();

        assertThat(report.count(AssetState.DONE)).isEqualTo(2);
        assertThat(report.count(AssetState.RUNNING)).isZero();
        assertThat(report.exitCode()).isZero();
        assertThat(store.events(100)).anySatisfy(e -> assertThat(e.kind()).isEqualTo("recovered"));
    }
}
