package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.Runner;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk is the job's problem, not the asset's (DESIGN §2.5): the asset that hit it is
 * neither retried nor dead-lettered but stays pending, the run stops (exit 1), and the next run
 * (a {@code cairn resume} once space is freed) finishes it. The full disk comes as the processors
 * see it: a {@link FileSystemException} "No space left on device" naming the file, or SQLite's
 * SQLITE_FULL wrapped in an I/O asset failure by a GeoPackage writer.
 */
class DiskFullStopsTheRunTest {
    @TempDir
    Path dir;
    SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("checkpoint.db"));
        store.createJob(new JobSpec("test", Map.of("k", "v")).toRecord(Instant.now()));
        List<Asset> assets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            assets.add(new Asset("a" + i, "in/" + i, null, "out/" + i, 100 + i, 1));
        }
        store.plan(assets);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private RunReport run(AssetProcessor p) {
        return Runner.builder(store, p).workers(1).maxTries(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .build().run();
    }

    private AssetState state(String id) {
        return store.assets(EnumSet.allOf(AssetState.class)).stream().filter(r -> r.asset().id().equals(id))
                .findFirst().orElseThrow().state();
    }

    @Test
    void noSpaceLeftOnDeviceStopsTheRunAndLeavesTheAssetPendingWithoutADeadLetter() {
        AtomicInteger tries = new AtomicInteger();
        RunReport full = run((asset, ctx) -> {
            if (asset.id().equals("a2")) {
                tries.incrementAndGet();
                throw new FileSystemException("out/2.gpkg.tmp", null, "No space left on device");
            }
            return new Outcome(1, 0, null);
        });
        assertThat(tries).as("not retried").hasValue(1);
        assertThat(full.exitCode()).isEqualTo(1);
        assertThat(full.interrupted()).isTrue();
        assertThat(full.count(AssetState.FAILED)).as("no dead letter").isZero();
        assertThat(state("a2")).isEqualTo(AssetState.PENDING);
        assertThat(full.count(AssetState.DONE)).as("the run stopped claiming").isLessThan(6);

        RunReport resumed = run((asset, ctx) -> new Outcome(1, 0, null));
        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.count(AssetState.DONE)).isEqualTo(6);
    }

    @Test
    void sqliteFullInsideAnIoAssetFailureStopsTheRunTheSameWay() {
        RunReport full = run((asset, ctx) -> {
            throw AssetFailure.transientFailure(ErrorClass.IO, "out/" + asset.id() + ".gpkg: cannot write",
                    new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"));
        });
        assertThat(full.exitCode()).isEqualTo(1);
        assertThat(full.count(AssetState.FAILED)).isZero();
        assertThat(full.count(AssetState.PENDING)).isEqualTo(6);
    }

    @Test
    void anOrdinaryIoFailureIsStillRetriedAndDeadLettered() {
        AtomicInteger tries = new AtomicInteger();
        RunReport r = run((asset, ctx) -> {
            if (asset.id().equals("a0")) {
                tries.incrementAndGet();
                throw new FileSystemException("out/0.gpkg", null, "Input/output error");
            }
            return new Outcome(1, 0, null);
        });
        assertThat(tries).hasValue(3);
        assertThat(state("a0")).isEqualTo(AssetState.FAILED);
        assertThat(r.exitCode()).isEqualTo(12);
    }
}
