package dev.cairn.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A throughput check, not a timed test (it asserts only that every asset was done once): 100,000
 * assets through the engine's {@link Runner} with a no-op processor and 2 workers against the
 * local throwaway server; prints assets/s and the claim round trips it took. Run on demand:
 * {@code mvn -o -q -pl store-postgresql -am test -Dtest=PostgresThroughputBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.benchmark=true}.
 */
@ExtendWith(PostgresServer.class)
@EnabledIfSystemProperty(named = "cairn.benchmark", matches = "true")
class PostgresThroughputBenchmark {

    @Test
    void oneHundredThousandNoOpAssetsWithTwoWorkers() {
        int n = Integer.getInteger("cairn.benchmark.assets", 100_000);
        String url = PostgresServer.cluster().newDatabase();
        try (PostgresStore store = PostgresStore.open(url, null)) {
            store.createJob(new JobSpec("bench", Map.of()).toRecord(Instant.now()));
            List<Asset> assets = IntStream.range(0, n)
                    .mapToObj(i -> new Asset("a" + i, "/in/" + i, null, "/out/" + i, 100, 1)).toList();
            long t0 = System.nanoTime();
            store.plan(assets);
            long planned = System.nanoTime();
            RunReport report = Runner.builder(store, (asset, ctx) -> new Outcome(1, 0, null))
                    .workers(2).lease(Duration.ofSeconds(30)).build().run();
            double seconds = (System.nanoTime() - planned) / 1e9;
            long claimEvents = store.events(Integer.MAX_VALUE).stream().filter(e -> e.kind().equals("claimed")).count();
            System.out.printf("planned %d assets in %.2f s; ran them in %.2f s: %.0f assets/s (claims/s the same:"
                            + " %d claims, each with its event; store time %.1f s)%n",
                    n, (planned - t0) / 1e9, seconds, n / seconds, claimEvents, report.checkpointTime().toMillis() / 1e3);
            assertThat(report.counts()).containsEntry(AssetState.DONE, (long) n);
            assertThat(claimEvents).isEqualTo(n);
        }
    }
}
