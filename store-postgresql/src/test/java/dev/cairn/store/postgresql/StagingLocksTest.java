package dev.cairn.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.StagingLock;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The staging locks of the shared store ({@link StagingLocks}): writers of one staging file on
 * different handles (as on different machines) take turns, writers of other files do not wait,
 * and a holder whose session dies (a killed process, a lost machine) frees the lock. Waiting is
 * observed in {@code pg_locks} (a lock not granted), never by timing.
 */
@ExtendWith(PostgresServer.class)
class StagingLocksTest {
    private static final String KEY = "/shared/out/.roads.gpkg.0123abcd.cairn-stage";

    private String url;
    private CheckpointStore first;
    private CheckpointStore second;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void stores() {
        url = PostgresServer.cluster().newDatabase();
        first = open();
        second = open();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        first.close();
        second.close();
    }

    private CheckpointStore open() {
        return PostgresStore.open(PostgresLocation.parse(url, name -> null), null, false, null);
    }

    @Test
    void aSecondWriterOfOneStagingFileWaitsUntilTheFirstReleasesIt() throws Exception {
        StagingLock held = first.lockStaging(KEY);
        Future<StagingLock> waiting = pool.submit(() -> second.lockStaging(KEY));
        awaitWaiters(1);
        assertThat(waiting).isNotDone();

        held.close();

        try (StagingLock got = waiting.get(60, TimeUnit.SECONDS)) {
            assertThat(granted()).isEqualTo(1);
        }
        assertThat(granted()).isZero();
    }

    @Test
    void writersOfAnotherStagingFileDoNotWait() throws Exception {
        try (StagingLock held = first.lockStaging(KEY);
             StagingLock other = pool.submit(() -> second.lockStaging(KEY + "-other")).get(60, TimeUnit.SECONDS)) {
            assertThat(granted()).isEqualTo(2);
        }
    }

    @Test
    void theLockOfAHolderWhoseSessionDiedGoesToTheNextWriter() throws Exception {
        StagingLock held = first.lockStaging(KEY);
        Future<StagingLock> waiting = pool.submit(() -> second.lockStaging(KEY));
        awaitWaiters(1);

        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement("""
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND classid = ? AND granted""")) {
            ps.setLong(1, StagingLocks.NAMESPACE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }

        try (StagingLock got = waiting.get(60, TimeUnit.SECONDS)) {
            assertThat(granted()).isEqualTo(1);
        }
        held.close(); // its session is gone: releasing it is a no-op that does not throw
    }

    private Connection admin() throws Exception {
        PostgresLocation where = PostgresLocation.parse(url, name -> null);
        return DriverManager.getConnection(where.jdbcUrl(), where.properties());
    }

    private long granted() throws Exception {
        return staging("granted");
    }

    private long staging(String condition) throws Exception {
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = ? AND " + condition)) {
            ps.setLong(1, StagingLocks.NAMESPACE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits until {@code n} sessions wait for a staging lock (a bounded poll of pg_locks, not a timed assertion). */
    private void awaitWaiters(long n) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (staging("NOT granted") == n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no session waiting for the staging lock after 60 s");
    }
}
