package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.gdal.RasterFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The processes of one job shared through a store, as the scale-out tests start them
 * (ScaleOutIT, ChunkedScaleOutIT, StatusWorkersIT, WorkerIT): the tiles jobs' input, a run with
 * {@code --store} that plans the job and works on it, {@code cairn worker} processes that join it,
 * waits on their JSON log events, and what the job's event log says of who completed what. Every wait fails as soon as
 * the process it waits on has ended, with its stderr, rather than at the timeout.
 */
final class SharedJobProcesses {
    private SharedJobProcesses() {
    }

    /**
     * The input of the shared tiles jobs: {@code dir/in/scene.tif}, 3000 × 2500 px, 3 bands, tiled,
     * UTM 33N (enough metatiles at zoom 6 to 14 or 15 for several processes to share); {@code seed}
     * seeds its noise. Skips the test without GDAL.
     */
    static Path tilesScene(Path dir, long seed) throws Exception {
        RasterFixture.assumeGdal();
        return RasterFixture.geotiff(dir.resolve("in"), "scene", 3000, 2500, 3, "Byte", "EPSG:32633", 500000, 5400000,
                560000, 5350000, null, seed, "TILED=YES");
    }

    /** Starts {@code cairn ARGS...} (a job run with {@code --store}) and waits until it has planned the job. */
    static CliProcess startPlanned(List<String> jvmOptions, Path logDir, Duration timeout, String... args)
            throws Exception {
        CliProcess p = CliProcess.start(jvmOptions, logDir, args);
        awaitEvent(p, "planned", 1, timeout);
        return p;
    }

    /**
     * Starts {@code cairn worker --store STORE [--job JOB] --workers 1} (one thread, so that its
     * completions are its process's). {@code jobId} null: the store's most recent job.
     */
    static CliProcess startWorker(List<String> jvmOptions, Path logDir, String store, String jobId) throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--store", store));
        if (jobId != null) {
            args.addAll(List.of("--job", jobId));
        }
        args.addAll(List.of("--workers", "1"));
        return CliProcess.start(jvmOptions, logDir, args.toArray(String[]::new));
    }

    /** Waits until {@code p} has logged the event {@code name} (e.g. {@code asset_done}) at least {@code times} times. */
    static void awaitEvent(CliProcess p, String name, int times, Duration timeout) throws Exception {
        String text = "\"event\":\"" + name + "\"";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String err = p.stderrSoFar();
            int n = 0;
            for (int i = err.indexOf(text); i >= 0; i = err.indexOf(text, i + 1)) {
                n++;
            }
            if (n >= times) {
                return;
            }
            assertThat(p.process().isAlive()).as("process ended before %s; stderr:%n%s", text, err).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("no " + text + " within " + timeout);
    }

    /** Waits for {@code p}'s first completed asset, then kills it with SIGKILL (no signal handler runs). */
    static void killAfterFirstAsset(CliProcess p, Duration timeout) throws Exception {
        awaitEvent(p, "asset_done", 1, timeout);
        p.kill();
    }

    /** The id of the only job of the PostgreSQL store at {@code url} ({@code postgresql://...}). */
    static String onlyJobId(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:" + url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM cairn.job")) {
            assertThat(rs.next()).as("a job in %s", url).isTrue();
            String id = rs.getString(1);
            assertThat(rs.next()).as("only one job in %s", url).isFalse();
            return id;
        }
    }

    /**
     * The {@code done} events of the store behind {@code c} ({@code eventTable}: {@code event} for
     * SQLite, {@code cairn.event} for PostgreSQL): completions per asset id, and the worker
     * processes ({@code host:pid:nonce}) that made them.
     */
    static Completions completions(Connection c, String eventTable) throws SQLException {
        Map<String, Integer> perAsset = new TreeMap<>();
        Set<String> processes = new HashSet<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT asset_id, worker FROM " + eventTable + " WHERE kind = 'done'")) {
            while (rs.next()) {
                perAsset.merge(rs.getString(1), 1, Integer::sum);
                processes.add(rs.getString(2).replaceFirst("/.*", "")); // one per process
            }
        }
        return new Completions(perAsset, processes);
    }

    /** {@link #completions(Connection, String)} of the PostgreSQL store at {@code url}. */
    static Completions completions(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:" + url)) {
            return completions(c, "cairn.event");
        }
    }

    /** Completions per asset id, and the processes that made them. */
    record Completions(Map<String, Integer> perAsset, Set<String> processes) {
    }
}
