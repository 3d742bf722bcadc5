package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreContract;
import dev.cairn.engine.CheckpointStoreJobsContract;
import dev.cairn.engine.CheckpointStoreOutcomeContract;
import dev.cairn.engine.CheckpointStoreWorkersContract;
import dev.cairn.engine.CheckpointStoreThroughputContract;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.StoreException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends CheckpointStoreContract {

    @TempDir
    Path dir;

    private Path file;
    private int stores;

    @Override
    protected CheckpointStore newStore(Clock clock) {
        file = dir.resolve("store-" + (++stores)).resolve("checkpoint.db");
        return SqliteStore.open(file, clock);
    }

    @Override
    protected CheckpointStore reopen(Clock clock, String jobId) {
        return SqliteStore.open(file, jobId, clock);
    }

    /** Part 2 of the store contract (outcomes, resets, feature issues) on the same SQLite files. */
    @Nested
    class Outcomes extends CheckpointStoreOutcomeContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return SqliteStoreTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return SqliteStoreTest.this.reopen(clock, jobId);
        }
    }

    /** Part 4 of the store contract (what status shows of each worker) on the same SQLite files. */
    @Nested
    class Workers extends CheckpointStoreWorkersContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return SqliteStoreTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return SqliteStoreTest.this.reopen(clock, jobId);
        }
    }

    /** Part 3 of the store contract (several jobs in one store) on the same SQLite files. */
    @Nested
    class Jobs extends CheckpointStoreJobsContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return SqliteStoreTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return SqliteStoreTest.this.reopen(clock, jobId);
        }
    }

    /** Part 5 of the store contract (group commit, claims fetched in advance, planning in bulk). */
    @Nested
    class Throughput extends CheckpointStoreThroughputContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return SqliteStoreTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return SqliteStoreTest.this.reopen(clock, jobId);
        }
    }

    private static String pragma(Path db, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void openCreatesParentDirectoriesAndTheSchemaInWalMode() throws SQLException {
        Path db = dir.resolve("a/b/c/checkpoint.db");
        try (SqliteStore store = SqliteStore.open(db)) {
            assertThat(store.file()).isEqualTo(db);
        }

        assertThat(Files.isRegularFile(db)).isTrue();
        assertThat(pragma(db, "journal_mode")).isEqualToIgnoringCase("wal");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(SqliteSchema.VERSION);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void reopeningAnExistingStoreKeepsOneSchemaVersionRow() throws SQLException {
        Path db = dir.resolve("checkpoint.db");
        SqliteStore.open(db).close();
        SqliteStore.open(db).close();

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aNewerSchemaVersionIsRefusedNamingTheFileAndBothVersions() throws SQLException {
        Path db = dir.resolve("newer.db");
        SqliteStore.open(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET version = 99");
        }

        assertThatThrownBy(() -> SqliteStore.open(db))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("99").hasMessageContaining("up to " + SqliteSchema.VERSION);
        assertThatThrownBy(() -> SqliteStore.openReadOnly(db))
                .isInstanceOf(StoreException.class).hasMessageContaining("99");
    }

    @Test
    void anSqliteFileThatIsNotACheckpointIsRefused() throws SQLException {
        Path db = dir.resolve("other.gpkg");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE features (id INTEGER)");
        }

        assertThatThrownBy(() -> SqliteStore.open(db))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("not a cairn checkpoint");
    }

    @Test
    void openReadOnlyOfAMissingFileFailsClearlyAndCreatesNothing() {
        Path db = dir.resolve("missing/checkpoint.db");

        assertThatThrownBy(() -> SqliteStore.openReadOnly(db))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("does not exist");
        assertThat(Files.exists(db.getParent())).as("parent directory created").isFalse();
    }

    @Test
    void openReadOnlyReadsWhileAnotherConnectionHoldsTheWriteLock() throws SQLException {
        Path db = dir.resolve("busy.db");
        try (SqliteStore writer = SqliteStore.open(db)) {
            writer.createJob(new JobSpec("convert", Map.of("crs", "EPSG:4326")).toRecord(T0));
            writer.plan(assets(10));
            writer.complete(writer.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, null));

            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                st.executeUpdate("UPDATE asset SET state = 'failed' WHERE state = 'pending'");

                long start = System.nanoTime();
                try (SqliteStore reader = SqliteStore.openReadOnly(db)) {
                    assertThat(reader.counts()).containsEntry(AssetState.DONE, 1L).containsEntry(AssetState.PENDING, 9L);
                    assertThat(reader.job()).isPresent();
                    assertThat(reader.events(100)).hasSize(12);
                    assertThatThrownBy(() -> reader.plan(assets(1)))
                            .isInstanceOf(StoreException.class).hasMessageContaining("read-only");
                }
                assertThat(System.nanoTime() - start).as("reader was not blocked").isLessThan(2_000_000_000L);
                st.execute("ROLLBACK");
            }
        }
    }

    @Test
    void aWriterWaitsForAnotherProcessesTransactionInsteadOfFailing() throws Exception {
        Path db = dir.resolve("wait.db");
        try (SqliteStore store = SqliteStore.open(db);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            Thread committer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    st.execute("COMMIT");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            committer.start();

            assertThat(store.plan(assets(3)).added()).isEqualTo(3);
            committer.join();
        }
    }

    @Test
    void sqliteBusyMapsToATransientStoreExceptionNamingTheFile() throws SQLException {
        Path db = dir.resolve("locked.db");
        try (SqliteStore store = SqliteStore.open(db);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement fast = raw.createStatement()) {
                // the store waits 10 s by design; a zero-timeout store on the same file shows the mapping
                fast.execute("PRAGMA busy_timeout = 0");
                SQLException busy = null;
                try {
                    fast.execute("BEGIN IMMEDIATE");
                } catch (SQLException e) {
                    busy = e;
                }
                assertThat((Object) busy).as("BEGIN IMMEDIATE failed busy").isNotNull();
                StoreException mapped = SqliteStore.translate(db, busy, "claim an asset");
                assertThat(mapped.isTransient()).isTrue();
                assertThat(mapped).hasMessageContaining(db.toString()).hasMessageContaining("retry");
            }
            st.execute("ROLLBACK");
            assertThat(store.counts()).containsEntry(AssetState.PENDING, 0L);
        }
    }

    @Test
    void otherSqlErrorsArePermanentAndNameTheFile() {
        Path db = dir.resolve("x.db");
        StoreException mapped = SqliteStore.translate(db, new SQLException("no such table: asset", null, 1),
                "count assets");

        assertThat(mapped.isTransient()).isFalse();
        assertThat(mapped).hasMessageContaining(db.toString()).hasMessageContaining("count assets");
    }

    @Test
    void committedTransitionsSurviveReopen() {
        Path db = dir.resolve("durable.db");
        List<AssetRecord> before;
        try (SqliteStore store = SqliteStore.open(db)) {
            store.createJob(new JobSpec("convert", Map.of("crs", "EPSG:2056")).toRecord(T0));
            store.plan(assets(5));
            store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(7, 2, "sum"));
            store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "truncated", false, 2);
            Claim inFlight = store.claim("w1", LEASE).orElseThrow();
            assertThat(inFlight.attempt()).isEqualTo(1);
            before = store.assets(EnumSet.allOf(AssetState.class));
        }

        try (SqliteStore reopened = SqliteStore.open(db)) {
            assertThat(reopened.assets(EnumSet.allOf(AssetState.class))).isEqualTo(before);
            assertThat(reopened.job().orElseThrow().spec()).containsEntry("crs", "EPSG:2056");
            assertThat(reopened.events(100)).hasSize(5 + 2 + 2 + 1);
            assertThat(reopened.counts()).isEqualTo(Map.of(AssetState.PENDING, 2L, AssetState.RUNNING, 1L,
                    AssetState.DONE, 1L, AssetState.FAILED, 1L));
        }
    }

    @Test
    void aClosedStoreRefusesCalls() {
        SqliteStore store = SqliteStore.open(dir.resolve("closed.db"));
        store.close();
        store.close();

        assertThatThrownBy(store::counts).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void theSchemaResourceSplitsIntoItsStatements() {
        assertThat(SqliteSchema.statements())
                .allSatisfy(sql -> assertThat(sql).endsWith(";").doesNotContain("--"))
                .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE asset"))
                .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE plan_block"))
                .hasSize(13);
    }
}
