package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.store.postgresql.PostgresServer;
import java.nio.file.Path;
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
 * The job still ends with exit 0, and {@code status OUTDIR --store URL} lists the same workers:
 * the two that exited 0 as stopped at once (they recorded their stop), the killed one as expired.
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
        input = SharedJobProcesses.tilesScene(work, 9);
    }

    @Test
    void statusListsBothWorkersWithHeartbeatAndWorkAKilledOneAsExpiredAndThoseThatExitedAsStopped() throws Exception {
        PostgresServer.Cluster db = PostgresServer.cluster();
        String url = db.newDatabase();
        Path out = work.resolve("shared.mbtiles");
        CliProcess starter = SharedJobProcesses.startPlanned(SHORT_LEASE, work.resolve("logs-starter"), TIMEOUT, "tiles",
                input.toString(), "-o", out.toString(), "--zoom", "6-15", "--workers", "1", "--store", url);
        String jobId = SharedJobProcesses.onlyJobId(url);
        CliProcess killed = SharedJobProcesses.startWorker(SHORT_LEASE, work.resolve("logs-killed"), url, jobId);
        CliProcess survivor = SharedJobProcesses.startWorker(SHORT_LEASE, work.resolve("logs-survivor"), url, jobId);
        SharedJobProcesses.awaitEvent(killed, "asset_done", 1, TIMEOUT);
        SharedJobProcesses.awaitEvent(survivor, "asset_done", 1, TIMEOUT);

        Map<Long, JsonNode> running = awaitWorkers(url, jobId, "both workers with a heartbeat", w ->
                hasHeartbeat(w.get(killed.pid())) && hasHeartbeat(w.get(survivor.pid())));
        for (CliProcess p : List.of(killed, survivor)) {
            JsonNode w = running.get(p.pid());
            assertThat(w.get("worker").asText()).contains(":" + p.pid() + ":");
            assertThat(w.get("host").asText()).isNotBlank();
            assertThat(w.get("claims").asInt() + w.get("done").asLong()).as("work of %s", w).isPositive();
            assertThat(w.get("lease_expired").asBoolean()).as("lease of %s", w).isFalse();
            assertThat(w.get("state").asText()).as("state of %s", w).isEqualTo("live");
            assertThat(w.get("stopped_at").isNull()).as("stop of %s", w).isTrue();
            assertThat(w.get("heartbeat_age_seconds").asLong()).as("heartbeat age of %s", w).isBetween(0L, 8L);
        }

        killed.kill();
        Map<Long, JsonNode> after = awaitWorkers(url, jobId, "the killed worker's lease to expire",
                w -> w.containsKey(killed.pid()) && w.get(killed.pid()).get("lease_expired").asBoolean());
        JsonNode dead = after.get(killed.pid());
        assertThat(dead.get("done").asLong()).isPositive();
        assertThat(dead.get("state").asText()).isEqualTo("expired");
        assertThat(after).containsKey(survivor.pid());
        assertThat(after.get(survivor.pid()).get("state").asText()).as("%s", after.get(survivor.pid()))
                .isIn("live", "stopped"); // stopped if the job ended meanwhile

        CliProcess.Result s = survivor.await(TIMEOUT);
        assertThat(s.exitCode()).as("the surviving worker; stderr:%n%s", s.stderr()).isZero();
        CliProcess.Result a = starter.await(TIMEOUT);
        assertThat(a.exitCode()).as("the starting process; stderr:%n%s", a.stderr()).isZero();
        JsonNode byOutput = status(work.resolve("logs-status-outdir"), out.toString(), "--store", url);
        assertThat(byOutput.get("job").asText()).isEqualTo(jobId);
        assertThat(byOutput.get("workers")).hasSize(3);
        assertThat(byOutput.get("counts").get("pending").asInt() + byOutput.get("counts").get("running").asInt()).isZero();
        Map<Long, JsonNode> ended = byPid(byOutput);
        for (CliProcess p : List.of(survivor, starter)) {
            JsonNode w = ended.get(p.pid());
            assertThat(w.get("state").asText()).as("a worker that exited 0: %s", w).isEqualTo("stopped");
            assertThat(w.get("stopped_at").isNull()).as("its stop: %s", w).isFalse();
            assertThat(w.get("last_heartbeat").asText()).as("its last heartbeat is its stop: %s", w)
                    .isEqualTo(w.get("stopped_at").asText());
            assertThat(w.get("claims").asInt()).as("claims of %s", w).isZero();
            assertThat(w.get("active_last_60s_seconds").asDouble()).as("%s", w).isBetween(0.0, 60.0);
            double rate = w.get("done_last_60s").asLong() / Math.max(1.0, w.get("active_last_60s_seconds").asDouble());
            assertThat(w.get("assets_per_second").asDouble()).as("rate of %s", w).isCloseTo(rate, within(0.001));
        }
        JsonNode killedAfter = ended.get(killed.pid());
        assertThat(killedAfter.get("state").asText()).as("the killed worker: %s", killedAfter).isEqualTo("expired");
        assertThat(killedAfter.get("stopped_at").isNull()).as("the killed worker: %s", killedAfter).isTrue();
    }

    private static Map<Long, JsonNode> byPid(JsonNode status) {
        Map<Long, JsonNode> byPid = new HashMap<>();
        for (JsonNode w : status.get("workers")) {
            byPid.put(w.get("pid").asLong(), w);
        }
        return byPid;
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
            Map<Long, JsonNode> byPid = byPid(last);
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
}
