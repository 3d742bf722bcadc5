package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.postgresql.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on one PostgreSQL (issue: a PostgreSQL checkpoint store, {@code cairn worker}): a tiles
 * job started by one process with {@code --store postgresql://...} is joined by two
 * {@code cairn worker} processes started at different times; one worker is killed with SIGKILL
 * after its first metatile, the database server is restarted while they work, and the other
 * worker is stopped with SIGTERM. The starting process must end the job (exit 0): the killed
 * worker's claim comes back, the restart is retried through, the stopped worker's metatile is
 * released. Every metatile is done exactly once, by at least two processes, and the tile set is
 * the one a single process writes with the embedded store.
 */
@ExtendWith(PostgresServer.class)
class ScaleOutIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path work;
    static Path input;

    @BeforeAll
    static void input() throws Exception {
        input = SharedJobProcesses.tilesScene(work, 9);
    }

    @Test
    void threeProcessesOneKilledOneStoppedAndTheServerRestartedEndTheJobWithEveryMetatileOnce() throws Exception {
        PostgresServer.Cluster db = PostgresServer.cluster();
        String url = db.newDatabase();
        Path out = work.resolve("shared.mbtiles");
        String[] job = {"tiles", input.toString(), "-o", out.toString(), "--zoom", "6-15", "--workers", "1", "--store", url};
        CliProcess starter = SharedJobProcesses.startPlanned(List.of(), work.resolve("logs-starter"), TIMEOUT, job);
        CliProcess killed = SharedJobProcesses.startWorker(List.of(), work.resolve("logs-killed"), url, null);
        Thread.sleep(1500);
        CliProcess stopped = SharedJobProcesses.startWorker(List.of(), work.resolve("logs-stopped"), url, null);

        SharedJobProcesses.killAfterFirstAsset(killed, TIMEOUT);
        SharedJobProcesses.awaitEvent(stopped, "asset_done", 1, TIMEOUT);
        CliProcess.Result status = CliProcess.run(work.resolve("logs-status"), TIMEOUT, "status", out.toString(), "--store",
                url, "--json");
        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(status.stdout()).contains("\"running\"");
        db.restart();
        SharedJobProcesses.awaitEvent(stopped, "asset_done", 2, TIMEOUT);
        stopped.signal("TERM");
        CliProcess.Result s = stopped.await(TIMEOUT);
        assertThat(s.exitCode()).as("the worker stopped by SIGTERM; stderr:%n%s", s.stderr()).isEqualTo(1);
        CliProcess.Result a = starter.await(TIMEOUT);
        assertThat(a.exitCode()).as("the starting process; stderr:%n%s", a.stderr()).isZero();

        SharedJobProcesses.Completions done = SharedJobProcesses.completions(url);
        assertThat(done.perAsset()).hasSizeGreaterThan(30)
                .allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        assertThat(done.processes()).as("processes that completed metatiles").hasSizeGreaterThanOrEqualTo(2);

        Path alone = work.resolve("alone.mbtiles");
        CliProcess.Result single = CliProcess.run(work.resolve("logs-alone"), TIMEOUT, "tiles", input.toString(), "-o",
                alone.toString(), "--zoom", "6-15");
        assertThat(single.exitCode()).as(single.stderr()).isZero();
        assertThat(MbtilesContent.tiles(out)).isEqualTo(MbtilesContent.tiles(alone));
    }
}
