package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn worker} joins a job another process planned, from the spec stored with it: a tiles
 * job started with {@code --store} is worked on by its own process and by a worker process started
 * once the plan is there; both exit 0, every metatile is done exactly once, both processes did
 * some of them, and the tile set equals a run by one process.
 */
class WorkerIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path work;
    static Path input;

    @BeforeAll
    static void input() throws Exception {
        input = SharedJobProcesses.tilesScene(work, 5);
    }

    @Test
    void aWorkerJoinsAJobAnotherProcessStartedAndEveryMetatileIsDoneOnce() throws Exception {
        Path store = work.resolve("shared").resolve("checkpoint.db");
        Files.createDirectories(store.getParent());
        Path out = work.resolve("joined.mbtiles");
        CliProcess starter = SharedJobProcesses.startPlanned(List.of(), work.resolve("logs-starter"), TIMEOUT, "tiles",
                input.toString(), "-o", out.toString(), "--zoom", "6-14", "--workers", "1", "--store", store.toString());
        CliProcess worker = SharedJobProcesses.startWorker(List.of(), work.resolve("logs-worker"), store.toString(), null);
        CliProcess.Result w = worker.await(TIMEOUT);
        CliProcess.Result s = starter.await(TIMEOUT);
        assertThat(s.exitCode()).as("starter; stderr:%n%s", s.stderr()).isZero();
        assertThat(w.exitCode()).as("worker; stderr:%n%s", w.stderr()).isZero();

        SharedJobProcesses.Completions done;
        try (Connection c = GpkgCompare.open(store)) {
            done = SharedJobProcesses.completions(c, "event");
        }
        assertThat(done.perAsset()).hasSizeGreaterThan(8)
                .allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        assertThat(done.processes()).as("processes that completed metatiles").hasSize(2);

        Path alone = work.resolve("alone.mbtiles");
        CliProcess.Result a = CliProcess.run(work.resolve("logs-alone"), TIMEOUT, "tiles", input.toString(), "-o",
                alone.toString(), "--zoom", "6-14");
        assertThat(a.exitCode()).as(a.stderr()).isZero();
        assertThat(MbtilesContent.tiles(out)).isEqualTo(MbtilesContent.tiles(alone));
    }

    @Test
    void aWorkerForAJobTheStoreDoesNotHoldExits2() throws Exception {
        Path store = work.resolve("empty").resolve("checkpoint.db");
        CliProcess.Result r = CliProcess.run(work.resolve("logs-none"), TIMEOUT, "worker", "--store", store.toString(),
                "--job", "0123456789abcdef");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).contains("holds no");
    }
}
