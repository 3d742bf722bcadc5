package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.JobSpec;
import dev.cairn.engine.WorkerActivity;
import dev.cairn.engine.Asset;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SQLite store's own schema adds to {@link WorkerActivity} (the shared contract is
 * CheckpointStoreWorkersContract): a version 2 checkpoint gains {@code worker_lease} when opened
 * for writing, and one opened read-only (status of a run by an older cairn) lists its workers
 * without heartbeats, their lease that of their claims.
 */
class WorkerRowsTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @Test
    void aVersion2CheckpointReadOnlyListsItsWorkersWithoutHeartbeats() throws Exception {
        Path db = version2WithAClaimOfW1();

        try (SqliteStore ro = SqliteStore.openReadOnly(db)) {
            List<WorkerActivity> workers = ro.workerActivity();

            assertThat(workers).hasSize(1);
            WorkerActivity w1 = workers.get(0);
            assertThat(w1.workerId()).isEqualTo("w1");
            assertThat(w1.claims()).isEqualTo(1);
            assertThat(w1.lastHeartbeat()).isNull();
            assertThat(w1.leaseUntil()).isEqualTo(T0.plus(LEASE));
        }
    }

    @Test
    void aVersion2CheckpointOpenedForWritingGainsTheHeartbeatTable() throws Exception {
        Path db = version2WithAClaimOfW1();
        Clock later = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);

        try (SqliteStore rw = SqliteStore.open(db, later)) {
            rw.heartbeat("w1", LEASE);
            WorkerActivity w1 = rw.workerActivity().get(0);

            assertThat(w1.lastHeartbeat()).isEqualTo(T0.plusSeconds(10));
            assertThat(w1.leaseUntil()).isEqualTo(T0.plusSeconds(10).plus(LEASE));
        }
        try (Connection c = DriverManager.getConnection(SqliteSchema.jdbcUrl(db)); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT version FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(SqliteSchema.VERSION);
        }
    }

    /** A checkpoint at schema version 2 (the current one without worker_lease and plan_block) where w1 holds a claim. */
    private Path version2WithAClaimOfW1() throws Exception {
        Path db = dir.resolve("checkpoint.db");
        try (SqliteStore store = SqliteStore.open(db, Clock.fixed(T0, ZoneOffset.UTC))) {
            store.createJob(new JobSpec("convert", Map.of("format", "gpkg")).toRecord(T0));
            store.plan(List.of(new Asset("a", "/in/a", null, "/out/a", 10, 1_000L)));
            store.claim("w1", LEASE).orElseThrow();
        }
        try (Connection c = DriverManager.getConnection(SqliteSchema.jdbcUrl(db)); Statement st = c.createStatement()) {
            st.execute("DROP TABLE worker_lease");
            st.execute("DROP TABLE plan_block");
            st.execute("UPDATE schema_version SET version = 2");
        }
        return db;
    }
}
