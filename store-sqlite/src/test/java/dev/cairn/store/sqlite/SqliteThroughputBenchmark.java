package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Claim;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite twin of the PostgreSQL store's throughput check; not a timed test (it asserts only
 * that every asset was done, or claimed, exactly once). Prints: assets/s of 100,000 assets
 * through the engine's {@link Runner} with a no-op processor and 2 workers; claims/s of 2 threads
 * claiming and completing 100,000 assets on the store directly (no runner; each claim is
 * completed at once, as the runner's would be: with claims held and never completed the claim
 * query would have to pass every running row); the time to plan 1,000,000 assets. Run on
 * demand: {@code mvn -o -q -pl store-sqlite -am test -Dtest=SqliteThroughputBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "cairn.benchmark", matches = "true")
class SqliteThroughputBenchmark {

    @TempDir
    Path dir;

    @Test
    void oneHundredThousandNoOpAssetsWithTwoWorkers() {
        int n = Integer.getInteger("cairn.benchmark.assets", 100_000);
        try (SqliteStore store = SqliteStore.open(dir.resolve("run").resolve("checkpoint.db"))) {
            store.createJob(new JobSpec("bench", Map.of()).toRecord(Instant.now()));
            long t0 = System.nanoTime();
            store.plan(assets(n));
            long planned = System.nanoTime();
            RunReport report = Runner.builder(store, (asset, ctx) -> new Outcome(1, 0, null))
                    .workers(2).lease(Duration.ofSeconds(30)).build().run();
            double seconds = (System.nanoTime() - planned) / 1e9;
            long claimEvents = store.events(Integer.MAX_VALUE).stream().filter(e -> e.kind().equals("claimed")).count();
            long[] groups = store.groupCommits();
            System.out.printf("SQLite: planned %d assets in %.2f s; ran them in %.2f s: %.0f assets/s"
                            + " (%d claims, each with its event; store time %.1f s; %d completions in %d group commits)%n",
                    n, (planned - t0) / 1e9, seconds, n / seconds, claimEvents, report.checkpointTime().toMillis() / 1e3,
                    groups[1], groups[0]);
            assertThat(report.counts()).containsEntry(AssetState.DONE, (long) n);
            assertThat(claimEvents).isEqualTo(n);
        }
    }

    @Test
    void oneHundredThousandClaimsAndCompletionsFromTwoThreads() throws Exception {
        int n = Integer.getInteger("cairn.benchmark.assets", 100_000);
        try (SqliteStore store = SqliteStore.open(dir.resolve("claims").resolve("checkpoint.db"))) {
            store.createJob(new JobSpec("bench", Map.of()).toRecord(Instant.now()));
            store.plan(assets(n));
            AtomicInteger claimed = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    Optional<Claim> claim;
                    while ((claim = store.claim("bench-worker", Duration.ofMinutes(5))).isPresent()) {
                        store.complete(claim.get(), new Outcome(1, 0, null));
                        claimed.incrementAndGet();
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("SQLite: %d claims, each completed, from 2 threads in %.2f s: %.0f claims/s%n",
                    claimed.get(), seconds, claimed.get() / seconds);
            assertThat(claimed).hasValue(n);
            assertThat(store.counts()).containsEntry(AssetState.DONE, (long) n);
        }
    }

    @Test
    void planningOneMillionAssets() {
        int n = Integer.getInteger("cairn.benchmark.plan", 1_000_000);
        try (SqliteStore store = SqliteStore.open(dir.resolve("plan").resolve("checkpoint.db"))) {
            store.createJob(new JobSpec("bench", Map.of()).toRecord(Instant.now()));
            List<Asset> assets = assets(n);
            long t0 = System.nanoTime();
            PlanSummary first = store.plan(assets);
            long planned = System.nanoTime();
            // What a run does next (JobExecution): forget the assets that are no longer planned.
            int removed = store.removeUnplanned(assets.stream().map(Asset::id).toList());
            long pruned = System.nanoTime();
            PlanSummary again = store.plan(assets);
            long replanned = System.nanoTime();
            System.out.printf("SQLite: planned %d new assets in %.2f s, removed the unplanned in %.2f s;"
                            + " planned them again (all known) in %.2f s%n",
                    n, (planned - t0) / 1e9, (pruned - planned) / 1e9, (replanned - pruned) / 1e9);
            assertThat(removed).isZero();
            assertThat(first).isEqualTo(new PlanSummary(n, 0, 0));
            assertThat(again).isEqualTo(new PlanSummary(0, n, 0));
        }
    }

    static List<Asset> assets(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new Asset("a" + i, "/in/" + i, null, "/out/" + i, 100, 1)).toList();
    }
}
