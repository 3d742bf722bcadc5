package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once protocol of staged SQLite outputs (DESIGN §2.4) with a minimal schema: a table
 * of items and a "finished" flag that finalisation sets. Each case stands for one crash case of
 * {@link StagedSqliteOutput}: a chunk redone after its commit copies nothing, a chunk whose copy
 * fails leaves nothing, the last marker finalises, a finalised file takes no more rows.
 */
class StagedSqliteOutputTest {
    @TempDir
    Path dir;

    private final AtomicInteger finalisations = new AtomicInteger();

    /** items(chunk, n); finalisation writes the count into done(items) and drops nothing of its own. */
    private final StagedSqliteOutput.Schema schema = new StagedSqliteOutput.Schema() {
        @Override
        public void create(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (chunk TEXT, n INTEGER)");
            }
        }

        @Override
        public void finalise(Connection c) throws SQLException {
            finalisations.incrementAndGet();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE done AS SELECT count(*) AS items FROM items");
            }
        }
    };

    private StagedSqliteOutput open() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".out.k.cairn-stage"));
        return StagedSqliteOutput.over(c);
    }

    private StagedSqliteOutput.ChunkCommit commit(String chunk, int rows, int fileChunks) throws Exception {
        try (StagedSqliteOutput out = open()) {
            return out.commitChunk(new StagedSqliteOutput.Marker(chunk, "layer", null, null), fileChunks, "w", 1, schema,
                    () -> insert(out.connection(), chunk, rows));
        }
    }

    private static long insert(Connection c, String chunk, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                s.execute("INSERT INTO items VALUES ('" + chunk + "', " + i + ")");
            }
        }
        return rows;
    }

    private List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (StagedSqliteOutput out = open(); Statement s = out.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private long rows(String sql) throws SQLException {
        try (StagedSqliteOutput out = open(); Statement s = out.connection().createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void aChunkRedoneAfterItsCommitCopiesNothingAndReportsTheItemsOfItsMarker() throws Exception {
        assertThat(commit("a", 5, 3)).isEqualTo(new StagedSqliteOutput.ChunkCommit(5, false));
        assertThat(commit("a", 7, 3)).as("the redo finds its marker").isEqualTo(new StagedSqliteOutput.ChunkCommit(5, false));
        assertThat(rows("SELECT count(*) FROM items")).isEqualTo(5);
    }

    @Test
    void aChunkWhoseCopyFailsLeavesNeitherRowsNorMarkerNorSchema() throws Exception {
        try (StagedSqliteOutput out = open()) {
            assertThatThrownBy(() -> out.commitChunk(new StagedSqliteOutput.Marker("a", "layer", 0L, 10L), 2, "w", 1,
                    schema, () -> {
                        insert(out.connection(), "a", 3);
                        throw AssetFailure.permanent(ErrorClass.FORMAT, "in.gpkg: broken row");
                    })).isInstanceOf(AssetFailure.class);
        }
        assertThat(tables()).as("the first chunk's schema went with its transaction").isEmpty();
        assertThat(commit("a", 4, 2).items()).isEqualTo(4);
        assertThat(rows("SELECT count(*) FROM items")).isEqualTo(4);
    }

    @Test
    void theChunkWhoseMarkerCompletesThePlanFinalisesOnceAndDropsTheMarkers() throws Exception {
        assertThat(commit("a", 2, 3).finalised()).isFalse();
        assertThat(commit("c", 4, 3).finalised()).isFalse();
        assertThat(tables()).contains("cairn_chunks", "items").doesNotContain("done");
        assertThat(commit("b", 3, 3)).isEqualTo(new StagedSqliteOutput.ChunkCommit(3, true));
        assertThat(finalisations).hasValue(1);
        assertThat(tables()).containsExactly("done", "items");
        assertThat(rows("SELECT items FROM done")).isEqualTo(9);
    }

    @Test
    void aChunkFindingTheFileFinalisedWritesNothingAndSaysToPublish() throws Exception {
        commit("a", 1, 1);
        assertThat(commit("a", 6, 1)).as("redone after finalisation").isEqualTo(new StagedSqliteOutput.ChunkCommit(-1, true));
        assertThat(finalisations).hasValue(1);
        assertThat(rows("SELECT count(*) FROM items")).isEqualTo(1);
    }
}
