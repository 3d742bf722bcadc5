package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code PRAGMA quick_check} at every open costs on a checkpoint of 100,000 assets
 * (docs/reliability.md): the time to open the store for writing and for reading, each with the
 * check, against the check alone on a plain connection. Not a test: run with
 * {@code mvn -o -q -B -pl store-sqlite -am test -Dtest=QuickCheckCostBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "cairn.benchmark", matches = "true")
class QuickCheckCostBenchmark {
    private static final int ASSETS = 100_000;
    private static final int REPEATS = 5;

    @TempDir
    Path dir;

    @Test
    void quickCheckOnAHundredThousandAssetCheckpoint() throws Exception {
        Path db = dir.resolve("checkpoint.db");
        try (SqliteStore store = SqliteStore.open(db)) {
            store.createJob(new JobSpec("bench", Map.of("to", "EPSG:4326")).toRecord(Instant.now()));
            List<Asset> assets = new ArrayList<>(ASSETS);
            for (int i = 0; i < ASSETS; i++) {
                String name = String.format("tiles/%03d/%05d.gpkg", i / 1000, i);
                assets.add(new Asset(name, "/data/in/" + name, null, "/data/out/" + name, 1_000_000L + i, 1_700_000_000_000L));
            }
            store.plan(assets);
            assertThat(store.counts().get(AssetState.PENDING)).isEqualTo((long) ASSETS);
        }
        long size = Files.size(db);
        long[] check = new long[REPEATS];
        long[] openRw = new long[REPEATS];
        long[] openRo = new long[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            long t0 = System.nanoTime();
            try (Connection c = DriverManager.getConnection(SqliteSchema.jdbcUrl(db))) {
                CheckpointIntegrity.quickCheck(c, db);
            }
            check[r] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            SqliteStore.open(db).close();
            openRw[r] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            SqliteStore.openReadOnly(db).close();
            openRo[r] = System.nanoTime() - t0;
        }
        System.out.printf("[QuickCheckCostBenchmark] %,d assets, checkpoint %,d bytes; median of %d: quick_check %d ms,"
                + " open for writing (with it) %d ms, open read-only (with it) %d ms%n", ASSETS, size, REPEATS,
                median(check), median(openRw), median(openRo));
    }

    private static long median(long[] nanos) {
        long[] s = nanos.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2] / 1_000_000;
    }
}
