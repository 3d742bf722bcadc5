package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.store.postgresql.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn status --store URL --job ID} lists every worker of a job while it runs: a tiles job
 * on a PostgreSQL store, started by one process and joined by two {@code cairn worker} processes
 * (all with an 8 s lease, {@code -Dcairn.lease}, so that a lease runs out within the test). While
 * they work, status shows both workers by their process ids, with a heartbeat, work (claims or
 * assets done) and a live lease; after one is killed with SIGKILL, status shows its lease expired.
 * The job still ends with exit 0, and {@code status OUTDIR --store URL} lists the same workers.
 */
@ExtendWith(PostgresServer.class)
class StatusWorkersIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> SHORT_LEASE = List.of("-Dcairn.lease=PT8S");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path input;

    @BeforeAll
    static void input() throws Exception {
        RasterFixture.assumeGdal();
        input = RasterFixture.geotiff(work.resolve("in"), "scene", 3000, 2500, 3, "Byte", "EPSG:32633", 500000, 5400000,
                560000, 5350000, null, 9, "TILED=YES");
    }

    @Test
    void statusListsBothWorkersWithHeartbeatAndWorkAndAKilledOneWithItsLeaseExpired() throws Exception {
        PostgresServer.Cluster db = PostgresServer.cluster();
        String url = db.newDatabase();
        Path out = work.resolve("shared.mbtiles");
        CliProcess starter = CliProcess.start(SHORT_LEASE, work.resolve("logs-starter"), "tiles", input.toString(), "-o",
                out.toString(), "--zoom", "6-15", "--workers", "1", "--store", url);
        await(starter, "\"event\":\"planned\"", 1);
        String jobId;
        try (Connection c = DriverManager.getConnection("jdbc:" + url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM cairn.job")) {
            assertThat(rs.next()).isTrue();
            jobId = rs.getString(1);
        }
        CliProcess killed = CliProcess.start(SHORT_LEASE, work.resolve("logs-killed"), "worker", "--store", url, "--job",
                jobId, "--workers", "1");
        CliProcess survivor = CliProcess.start(SHORT_LEASE, work.resolve("logs-survivor"), "worker", "--store", url,
                "--job", jobId, "--workers", "1");
        await(killed, "\"event\":\"asset_done\"", 1);
        await(survivor, "\"event\":\"asset_done\"", 1);

        Map<Long, JsonNode> running = awaitWorkers(url, jobId, "both workers with a heartbeat", w ->
                hasHeartbeat(w.get(killed.pid())) && hasHeartbeat(w.get(survivor.pid())));
        for (CliProcess p : List.of(killed, survivor)) {
            JsonNode w = running.get(p.pid());
            assertThat(w.get("worker").asText()).contains(":" + p.pid() + ":");
            assertThat(w.get("host").asText()).isNotBlank();
            assertThat(w.get("claims").asInt() + w.get("done").asLong()).as("work of %s", w).isPositive();
            assertThat(w.get("lease_expired").asBoolean()).as("lease of %s", w).isFalse();
            assertThat(w.get("heartbeat_age_seconds").asLong()).as("heartbeat age of %s", w).isBetween(0L, 8L);
        }

        killed.kill();
        Map<Long, JsonNode> after = awaitWorkers(url, jobId, "the killed worker's lease to expire",
                w -> w.containsKey(killed.pid()) && w.get(killed.pid()).get("lease_expired").asBoolean());
        JsonNode dead = after.get(killed.pid());
        assertThat(dead.get("done").asLong()).isPositive();
        assertThat(after).containsKey(survivor.pid());

        CliProcess.Result s = survivor.await(TIMEOUT);
        assertThat(s.exitCode()).as("the surviving worker; stderr:%n%s", s.stderr()).isZero();
        CliProcess.Result a = starter.await(TIMEOUT);
        assertThat(a.exitCode()).as("the starting process; stderr:%n%s", a.stderr()).isZero();
        JsonNode byOutput = status(work.resolve("logs-status-outdir"), out.toString(), "--store", url);
        assertThat(byOutput.get("job").asText()).isEqualTo(jobId);
        assertThat(byOutput.get("workers")).hasSize(3);
        assertThat(byOutput.get("counts").get("pending").asInt() + byOutput.get("counts").get("running").asInt()).isZero();
    }

    private static boolean hasHeartbeat(JsonNode w) {
        return w != null && !w.get("last_heartbeat").isNull();
    }

    /** Polls {@code status --store URL --job ID --json} until its workers, by pid, satisfy {@code until}. */
    private static Map<Long, JsonNode> awaitWorkers(String url, String jobId, String what,
            Predicate<Map<Long, JsonNode>> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int polls = 0;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status(work.resolve("logs-status-" + (polls++)), "--store", url, "--job", jobId);
            Map<Long, JsonNode> byPid = new HashMap<>();
            for (JsonNode w : last.get("workers")) {
                byPid.put(w.get("pid").asLong(), w);
            }
            if (until.test(byPid)) {
                return byPid;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no status with " + what + " within 90 s; last: " + last);
    }

    private static JsonNode status(Path logs, String... args) throws Exception {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "status";
        System.arraycopy(args, 0, cmd, 1, args.length);
        cmd[cmd.length - 1] = "--json";
        CliProcess.Result r = CliProcess.run(logs, TIMEOUT, cmd);
        assertThat(r.exitCode()).as("status; stderr:%n%s", r.stderr()).isZero();
        return JSON.readTree(r.lastStdoutLine());
    }

    /** Waits until {@code p}'s stderr holds {@code text} at least {@code times} times. */
    private static void await(CliProcess p, String text, int times) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
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
        throw new AssertionError("no " + text + " within " + TIMEOUT);
    }
}
