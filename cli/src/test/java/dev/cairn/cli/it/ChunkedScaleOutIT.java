package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import dev.cairn.store.postgresql.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunked outputs on shared storage with a PostgreSQL store: one GeoPackage whose main layer is
 * cut into chunks that all commit into one staging GeoPackage is converted by three processes
 * (the one that planned the job and two {@code cairn worker}s); one worker is killed with SIGKILL
 * after its first chunk, while it works on (or waits for the staging lock of) its next. The
 * staging commits of the processes take turns through the store's staging lock
 * ({@code StagingLock}: a PostgreSQL advisory lock per staging file), not through SQLite's file
 * locks. Every chunk must be done exactly once, by at least two processes, and the output must
 * equal, feature by feature, a run by one process with the embedded store, with no staging or
 * temp file left.
 */
@ExtendWith(PostgresServer.class)
class ChunkedScaleOutIT {
    private static final long SEED = 20_251_207L;
    private static final int FEATURES = 300_000;
    private static final int SMALL_FEATURES = 2_000;
    private static final int CHUNK = 25_000;
    private static final int CHUNKS = FEATURES / CHUNK + 1; // the small layer is one chunk
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> SHORT_LEASE = List.of("-Dcairn.lease=PT8S");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;
    static Path reference;

    @BeforeAll
    static void inputAndReferenceRun() throws Exception {
        input = work.resolve("in");
        SampleData.writeGpkg(input.resolve("huge.gpkg"), List.of(
                new LayerSpec("addresses", GeometryKind.POINT, 2056, FEATURES),
                new LayerSpec("parcels", GeometryKind.POLYGON, 32632, SMALL_FEATURES)), SEED);
        reference = work.resolve("out-ref");
        CliProcess.Result ref = CliProcess.run(work.resolve("logs-ref"), TIMEOUT, convertArgs(reference));
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        assertThat(JSON.readTree(ref.lastStdoutLine()).get("counts").get("done").asInt()).isEqualTo(CHUNKS);
    }

    @Test
    void threeProcessesOneKilledStageOneChunkedGeoPackageExactlyOnce() throws Exception {
        String url = PostgresServer.cluster().newDatabase();
        Path out = work.resolve("out-shared");
        String[] job = Stream.concat(Stream.of(convertArgs(out)), Stream.of("--store", url)).toArray(String[]::new);
        LockWatch watch = new LockWatch(url);
        watch.start();
        CliProcess starter = SharedJobProcesses.startPlanned(SHORT_LEASE, work.resolve("logs-starter"), TIMEOUT, job);
        CliProcess killed = SharedJobProcesses.startWorker(SHORT_LEASE, work.resolve("logs-killed"), url, null);
        CliProcess other = SharedJobProcesses.startWorker(SHORT_LEASE, work.resolve("logs-other"), url, null);
        SharedJobProcesses.killAfterFirstAsset(killed, TIMEOUT);

        CliProcess.Result o = other.await(TIMEOUT);
        assertThat(o.exitCode()).as("the other worker; stderr:%n%s", o.stderr()).isZero();
        CliProcess.Result s = starter.await(TIMEOUT);
        assertThat(s.exitCode()).as("the starting process; stderr:%n%s", s.stderr()).isZero();
        watch.stop();
        assertThat(watch.holdersSeen).as("samples of pg_locks with the staging lock held").isPositive();
        assertThat(watch.mostHoldersAtOnce).as("holders of one staging lock at once").isEqualTo(1);

        SharedJobProcesses.Completions done = SharedJobProcesses.completions(url);
        assertThat(done.perAsset()).hasSize(CHUNKS)
                .allSatisfy((id, n) -> assertThat(n).as("completions of %s", id).isEqualTo(1));
        assertThat(done.processes()).as("processes that completed chunks").hasSizeGreaterThanOrEqualTo(2);

        assertThat(GpkgCompare.tempLeftovers(out)).as("temp files left behind").isEmpty();
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".cairn-stage")).toList())
                    .as("staging files left behind").isEmpty();
        }
        assertThat(GpkgCompare.integrityCheck(out.resolve("huge.gpkg"))).isEqualTo("ok");
        GpkgCompare cmp = GpkgCompare.trees(reference, out);
        assertThat(cmp.differences()).as("differences from the single-process run").isEmpty();
        assertThat(cmp.featuresCompared()).isEqualTo(FEATURES + SMALL_FEATURES);
    }

    /**
     * Samples {@code pg_locks} while the job runs: how often a staging lock (advisory, two-key,
     * cairn's namespace "cair") was held, and the most sessions holding one key at once.
     */
    private static final class LockWatch {
        private final String url;
        private final Thread thread = new Thread(this::watch, "pg-locks-watch");
        private volatile boolean stopped;
        volatile int holdersSeen;
        volatile long mostHoldersAtOnce;

        LockWatch(String url) {
            this.url = url;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
        }

        private void watch() {
            try (Connection c = DriverManager.getConnection("jdbc:" + url); Statement st = c.createStatement()) {
                while (!stopped) {
                    try (ResultSet rs = st.executeQuery("""
                            SELECT objid, count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1667328370
                            AND objsubid = 2 AND granted GROUP BY objid""")) {
                        while (rs.next()) {
                            holdersSeen++;
                            mostHoldersAtOnce = Math.max(mostHoldersAtOnce, rs.getLong(2));
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String[] convertArgs(Path out) {
        return new String[] {"convert", input.toString(), "-o", out.toString(), "--to", "EPSG:4326", "--workers", "1",
            "--chunk-features", Integer.toString(CHUNK), "--json"};
    }
}
