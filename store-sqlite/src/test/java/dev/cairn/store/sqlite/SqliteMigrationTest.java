package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Event;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.FeatureIssueRecord;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.LeaseLostException;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.WorkerInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by the version 1 schema (one job per file, kept as the test resource
 * {@code schema-v1.sql}) opens under the current code with every job, asset, state and event
 * intact: migrated in place in one transaction when opened for writing, read as it is when opened
 * read-only.
 */
class SqliteMigrationTest {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final long T = T0.toEpochMilli();
    private static final String JOB = "3f2a9c0d11e4b7a5";
    private static final String FINGERPRINT = JOB + "00112233445566778899aabbccddeeff00112233445566778899aabbcc";

    /** One job and an asset in each state, with their lineage, as cairn 1 wrote them. */
    private static final String V1_ROWS = """
            INSERT INTO schema_version (version) VALUES (1);
            INSERT INTO job (id, fingerprint, kind, created_at) VALUES ('%1$s', '%2$s', 'convert', %3$d);
            INSERT INTO job_option (job_id, key, value) VALUES ('%1$s', '--to', 'EPSG:3857');
            INSERT INTO job_option (job_id, key, value) VALUES ('%1$s', '--format', 'gpkg');
            INSERT INTO worker (id, host, pid, process_start, registered_at) VALUES ('h:41:dead', 'h', 41, %3$d, %3$d);
            INSERT INTO asset (id, seq, input, part, output, input_size, input_mtime, state, updated_at)
                VALUES ('pending.shp', 1, '/in/pending.shp', NULL, '/out/pending.gpkg', 300, 1000, 'pending', %3$d);
            INSERT INTO asset (id, seq, input, part, output, input_size, input_mtime, state, worker, lease_until,
                               attempt, tries, updated_at)
                VALUES ('big.gpkg#roads[0,1000)', 2, '/in/big.gpkg', 'roads[0,1000)', '/out/big.gpkg', 900, 2000,
                        'running', 'h:41:dead', %4$d, 2, 1, %3$d);
            INSERT INTO asset (id, seq, input, part, output, input_size, input_mtime, state, worker, attempt, tries,
                               features, skipped, checksum, updated_at)
                VALUES ('done.geojson', 3, '/in/done.geojson', NULL, '/out/done.gpkg', 50, 3000, 'done', 'h:41:dead',
                        1, 1, 7, 1, 'crc32c:0a0b0c0d', %3$d);
            INSERT INTO asset (id, seq, input, part, output, input_size, input_mtime, state, worker, attempt, tries,
                               error_class, message, transient, updated_at)
                VALUES ('failed.fgb', 4, '/in/failed.fgb', NULL, '/out/failed.gpkg', 10, 4000, 'failed', 'h:41:dead',
                        1, 3, 'io', 'read timed out', 1, %3$d);
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'pending.shp', 'planned', NULL, 0, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'big.gpkg#roads[0,1000)', 'planned', NULL, 0, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'done.geojson', 'planned', NULL, 0, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'failed.fgb', 'planned', NULL, 0, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'done.geojson', 'claimed', 'h:41:dead', 1, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'done.geojson', 'done', 'h:41:dead', 1, 'features=7 skipped=1', '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'done.geojson', 'feature_skipped', 'h:41:dead', 1,
                        'geometry done.geojson: feature 3: invalid geometry', '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'failed.fgb', 'claimed', 'h:41:dead', 1, NULL, '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'failed.fgb', 'failed', 'h:41:dead', 1, 'io (transient): read timed out', '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, 'big.gpkg#roads[0,1000)', 'claimed', 'h:41:dead', 2,
                        'took over from h:40:old (attempt 1)', '%2$s');
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
                VALUES (%3$d, NULL, 'scratch', NULL, 0, NULL, NULL);
            DELETE FROM event WHERE kind = 'scratch';
            """.formatted(JOB, FINGERPRINT, T, T + 300_000);

    private static final JobRecord JOB_RECORD = new JobRecord(JOB, FINGERPRINT, "convert",
            Map.of("--to", "EPSG:3857", "--format", "gpkg"), T0);

    private static final List<AssetRecord> ASSETS = List.of(
            new AssetRecord(new Asset("pending.shp", "/in/pending.shp", null, "/out/pending.gpkg", 300, 1000),
                    AssetState.PENDING, null, null, 0, 0, null, null, false, 0, 0, null, T0),
            new AssetRecord(new Asset("big.gpkg#roads[0,1000)", "/in/big.gpkg", "roads[0,1000)", "/out/big.gpkg",
                    900, 2000), AssetState.RUNNING, "h:41:dead", T0.plusSeconds(300), 2, 1, null, null, false, 0, 0,
                    null, T0),
            new AssetRecord(new Asset("done.geojson", "/in/done.geojson", null, "/out/done.gpkg", 50, 3000),
                    AssetState.DONE, "h:41:dead", null, 1, 1, null, null, false, 7, 1, "crc32c:0a0b0c0d", T0),
            new AssetRecord(new Asset("failed.fgb", "/in/failed.fgb", null, "/out/failed.gpkg", 10, 4000),
                    AssetState.FAILED, "h:41:dead", null, 1, 3, ErrorClass.IO, "read timed out", true, 0, 0, null,
                    T0));

    @TempDir
    Path dir;

    /** A checkpoint file as cairn 1 left it. */
    private Path v1Checkpoint(String extraSql) throws Exception {
        Path db = dir.resolve("checkpoint.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            for (String sql : SqliteSchema.statements("schema-v1.sql")) {
                st.execute(sql);
            }
            for (String sql : (V1_ROWS + extraSql).split(";\n")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
        }
        assertThat(schemaVersion(db)).isEqualTo(1);
        return db;
    }

    private static List<Event> expectedEvents() {
        List<Event> events = new ArrayList<>();
        String[][] rows = {
                {"pending.shp", "planned", null, "0", null},
                {"big.gpkg#roads[0,1000)", "planned", null, "0", null},
                {"done.geojson", "planned", null, "0", null},
                {"failed.fgb", "planned", null, "0", null},
                {"done.geojson", "claimed", "h:41:dead", "1", null},
                {"done.geojson", "done", "h:41:dead", "1", "features=7 skipped=1"},
                {"done.geojson", "feature_skipped", "h:41:dead", "1", "geometry done.geojson: feature 3: invalid geometry"},
                {"failed.fgb", "claimed", "h:41:dead", "1", null},
                {"failed.fgb", "failed", "h:41:dead", "1", "io (transient): read timed out"},
                {"big.gpkg#roads[0,1000)", "claimed", "h:41:dead", "2", "took over from h:40:old (attempt 1)"}};
        for (int i = 0; i < rows.length; i++) {
            String[] r = rows[i];
            events.add(new Event(i + 1, T0, r[0], r[1], r[2], Integer.parseInt(r[3]), r[4], FINGERPRINT));
        }
        return events;
    }

    private static int schemaVersion(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT group_concat(version) FROM schema_version")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void aVersion1CheckpointOpensMigratedWithEveryJobAssetStateAndEventIntact() throws Exception {
        Path db = v1Checkpoint("");

        try (SqliteStore store = SqliteStore.open(db, clockAt(T0.plusSeconds(60)))) {
            assertThat(store.job()).contains(JOB_RECORD);
            assertThat(store.jobs()).containsExactly(JOB_RECORD);
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).containsExactlyElementsOf(ASSETS);
            assertThat(store.counts()).isEqualTo(Map.of(AssetState.PENDING, 1L, AssetState.RUNNING, 1L,
                    AssetState.DONE, 1L, AssetState.FAILED, 1L));
            assertThat(store.events(100)).containsExactlyElementsOf(expectedEvents());
            assertThat(store.featureIssues(100)).containsExactly(new FeatureIssueRecord("done.geojson", T0,
                    new FeatureIssue(FeatureIssue.Action.SKIPPED, ErrorClass.GEOMETRY,
                            "done.geojson: feature 3: invalid geometry")));
            assertThat(store.workersWithClaims()).containsExactly(new WorkerInfo("h:41:dead", "h", 41, T0, T0));
        }
        assertThat(schemaVersion(db)).isEqualTo(SqliteSchema.VERSION);
    }

    @Test
    void aMigratedCheckpointGoesOnWhereVersion1LeftIt() throws Exception {
        Path db = v1Checkpoint("");
        Claim lostByTheDeadWorker = new Claim(ASSETS.get(1).asset(), "h:41:dead", 2, T0.plusSeconds(300));

        try (SqliteStore store = SqliteStore.open(db, clockAt(T0.plusSeconds(60)))) {
            assertThat(store.claim("w2", Duration.ofMinutes(5)).orElseThrow().asset().id())
                    .as("the running claim's lease has not expired").isEqualTo("pending.shp");
            assertThat(store.claim("w2", Duration.ofMinutes(5))).isEmpty();
        }
        try (SqliteStore store = SqliteStore.open(db, clockAt(T0.plusSeconds(301)))) {
            Claim takeover = store.claim("w3", Duration.ofMinutes(5)).orElseThrow();
            assertThat(takeover.asset()).isEqualTo(ASSETS.get(1).asset());
            assertThat(takeover.attempt()).isEqualTo(3);
            assertThatThrownBy(() -> store.complete(lostByTheDeadWorker, new Outcome(1, 0, null)))
                    .isInstanceOf(LeaseLostException.class);
            store.complete(takeover, new Outcome(1000, 0, "crc32c:00000001"));
            assertThat(store.resetFailed(ErrorClass.IO)).isEqualTo(1);
            List<Event> events = store.events(100);
            assertThat(events.subList(0, 10)).containsExactlyElementsOf(expectedEvents());
            assertThat(events.get(10).seq()).as("event numbers of version 1 are not reused").isGreaterThan(11);
            assertThat(events.subList(10, events.size())).extracting(Event::fingerprint).containsOnly(FINGERPRINT);
        }
    }

    @Test
    void aMigratedCheckpointHasTheSchemaOfANewOne() throws Exception {
        Path migrated = v1Checkpoint("");
        SqliteStore.open(migrated).close();
        Path fresh = dir.resolve("fresh.db");
        SqliteStore.open(fresh).close();

        assertThat(schema(migrated)).isEqualTo(schema(fresh));
    }

    /** Every table's columns and foreign keys and every index's columns, by name, as SQLite reports them. */
    private static Map<String, String> schema(Path db) throws SQLException {
        Map<String, String> schema = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement()) {
            List<String[]> objects = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                    + " OR type = 'index'")) {
                while (rs.next()) {
                    objects.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] object : objects) {
                List<String> pragmas = object[0].equals("table")
                        ? List.of("table_xinfo", "foreign_key_list") : List.of("index_xinfo");
                StringBuilder description = new StringBuilder();
                for (String pragma : pragmas) {
                    try (ResultSet rs = st.executeQuery("PRAGMA " + pragma + "('" + object[1] + "')")) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                description.append(rs.getString(i)).append(i < n ? "," : "\n");
                            }
                        }
                    }
                }
                schema.put(object[0] + " " + object[1], description.toString());
            }
        }
        return schema;
    }

    @Test
    void aVersion1CheckpointOpenedReadOnlyIsReadAsItIsAndStaysVersion1() throws Exception {
        Path db = v1Checkpoint("");
        byte[] before = Files.readAllBytes(db);

        try (SqliteStore store = SqliteStore.openReadOnly(db)) {
            assertThat(store.job()).contains(JOB_RECORD);
            assertThat(store.jobs()).containsExactly(JOB_RECORD);
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).containsExactlyElementsOf(ASSETS);
            assertThat(store.events(100)).containsExactlyElementsOf(expectedEvents());
            assertThat(store.featureIssues(100)).hasSize(1);
            assertThat(store.workersWithClaims()).extracting(WorkerInfo::id).containsExactly("h:41:dead");
        }
        try (SqliteStore store = SqliteStore.openReadOnly(db, JOB)) {
            assertThat(store.counts()).containsEntry(AssetState.DONE, 1L);
        }
        assertThat(schemaVersion(db)).isEqualTo(1);
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void aMigrationThatFailsLeavesTheVersion1CheckpointUntouched() throws Exception {
        // A table in the way of the migration's new asset table makes it fail half-way.
        Path db = v1Checkpoint("CREATE TABLE asset_v2 (x INTEGER);\n");

        assertThatThrownBy(() -> SqliteStore.open(db)).isInstanceOf(StoreException.class)
                .hasMessageContaining(db.toString());

        assertThat(schemaVersion(db)).isEqualTo(1);
        try (SqliteStore store = SqliteStore.openReadOnly(db)) {
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).containsExactlyElementsOf(ASSETS);
            assertThat(store.events(100)).containsExactlyElementsOf(expectedEvents());
            assertThat(store.job()).contains(JOB_RECORD);
        }
    }

    @Test
    void aVersion1CheckpointWithoutAJobMigratesItsAssetsAsJobLessUntilAJobIsCreated() throws Exception {
        Path db = v1Checkpoint("DELETE FROM job_option;\nDELETE FROM job;\n");

        try (SqliteStore store = SqliteStore.open(db, clockAt(T0))) {
            assertThat(store.job()).isEmpty();
            assertThat(store.jobs()).isEmpty();
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).containsExactlyElementsOf(ASSETS);
            store.createJob(JOB_RECORD);
        }
        try (SqliteStore store = SqliteStore.openReadOnly(db, JOB)) {
            assertThat(store.assets(EnumSet.allOf(AssetState.class))).containsExactlyElementsOf(ASSETS);
            assertThat(store.events(100)).hasSize(10);
        }
    }
}
