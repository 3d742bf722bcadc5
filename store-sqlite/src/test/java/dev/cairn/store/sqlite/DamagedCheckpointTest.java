package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.UnusableCheckpointException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint damaged in each way a disk, a copy or another program damages files is refused at
 * open, for writing and for reading, naming the file and the damage, and is left byte for byte as
 * it was; never recreated in place.
 */
class DamagedCheckpointTest {
    @TempDir
    Path dir;

    /** A checkpoint with a job's worth of pages (several hundred assets' rows). */
    private Path checkpoint(String name) throws SQLException {
        Path db = dir.resolve(name).resolve("checkpoint.db");
        SqliteStore.open(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE padding (n INTEGER, text TEXT)");
            st.executeUpdate("INSERT INTO padding WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 400) SELECT value, printf('%0500d', value) FROM s");
        }
        return db;
    }

    private static String sha256(Path... files) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Path f : files) {
            md.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void assertRefusedAndUnchanged(Path db, String damage, Path... files) throws Exception {
        String before = sha256(files);
        List<Path> listed = list(db.getParent());
        assertThatThrownBy(() -> SqliteStore.open(db)).isInstanceOf(UnusableCheckpointException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining(damage);
        assertThatThrownBy(() -> SqliteStore.openReadOnly(db)).isInstanceOf(UnusableCheckpointException.class)
                .hasMessageContaining(damage);
        assertThat(sha256(files)).isEqualTo(before);
        assertThat(list(db.getParent())).as("no file added or removed").isEqualTo(listed);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static void overwrite(Path file, long at, int n) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            byte[] junk = new byte[n];
            new java.util.Random(42).nextBytes(junk);
            raf.write(junk);
        }
    }

    @Test
    void anEmptyFileIsRefusedNotGivenAFreshSchema() throws Exception {
        Path db = checkpoint("empty");
        Files.write(db, new byte[0]);
        assertRefusedAndUnchanged(db, "empty (0 bytes)", db);
        assertThat(Files.size(db)).isZero();
    }

    @Test
    void aFileTruncatedToHalfIsRefusedNamingBothSizes() throws Exception {
        Path db = checkpoint("half");
        try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        assertRefusedAndUnchanged(db, "truncated", db);
    }

    @Test
    void randomBytesOverAPageHeaderInTheMiddleOfTheFileAreFoundByQuickCheck() throws Exception {
        Path db = checkpoint("page");
        long pages = Files.size(db) / 4096;
        overwrite(db, (pages / 2) * 4096, 64);
        assertRefusedAndUnchanged(db, "damaged", db);
    }

    @Test
    void aFileThatIsNotSqliteAtAllIsRefused() throws Exception {
        Path db = checkpoint("text");
        Files.writeString(db, "these are my notes, not a database\n".repeat(10));
        assertRefusedAndUnchanged(db, "not an SQLite database", db);
    }

    @Test
    void anSqliteFileWithoutTablesIsRefused() throws Exception {
        Path db = dir.resolve("bare").resolve("checkpoint.db");
        Files.createDirectories(db.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 7"); // writes the header page, no table
        }
        assertRefusedAndUnchanged(db, "without any table", db);
    }

    @Test
    void aSchemaVersionFromTheFutureIsRefusedAsUnusable() throws Exception {
        Path db = checkpoint("future");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version (version) VALUES (" + (SqliteSchema.VERSION + 1) + ")");
        }
        assertRefusedAndUnchanged(db, "schema version " + (SqliteSchema.VERSION + 1), db);
    }

    /** A checkpoint as a killed process leaves it: commits in the -wal file, not yet in the database. */
    private Path withLiveWal(String name, Consumer<Path> damage) throws Exception {
        Path db = checkpoint(name + "-source");
        Path copy = dir.resolve(name).resolve("checkpoint.db");
        Files.createDirectories(copy.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = 0");
            for (int i = 0; i < 20; i++) {
                st.executeUpdate("INSERT INTO padding WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 20) SELECT value, printf('%0500d', value) FROM s");
            }
            Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(db.resolveSibling("checkpoint.db-wal"), copy.resolveSibling("checkpoint.db-wal"));
        }
        damage.accept(copy.resolveSibling("checkpoint.db-wal"));
        return copy;
    }

    @Test
    void anIntactWalIsReplayedAndItsCommitsAreKept() throws Exception {
        Path db = withLiveWal("intact", wal -> { });
        assertThat(CheckpointIntegrity.walDamage(db.resolveSibling("checkpoint.db-wal"))).isNull();
        SqliteStore.open(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM padding")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(400 + 20 * 20);
        }
    }

    @Test
    void aDamagedWalFrameFollowedByIntactOnesIsRefusedWhereSqliteWouldDropTheCommitsSilently() throws Exception {
        Path db = withLiveWal("wal", wal -> {
            try {
                overwrite(wal, 32 + 24 + 2000, 16); // inside the page of frame 1
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path wal = db.resolveSibling("checkpoint.db-wal");
        assertRefusedAndUnchanged(db, "write-ahead log", db, wal);
    }

    @Test
    void aDamagedWalHeaderIsRefused() throws Exception {
        Path db = withLiveWal("walheader", wal -> {
            try {
                overwrite(wal, 8, 8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertRefusedAndUnchanged(db, "write-ahead log", db, db.resolveSibling("checkpoint.db-wal"));
    }

    @Test
    void aNewCheckpointIsCreatedCompleteUnderItsNameAndLeavesNoTemporaryFile() throws Exception {
        Path db = dir.resolve("new").resolve("checkpoint.db");
        SqliteStore.open(db).close();
        try (var files = Files.list(db.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoint.db");
        }
        SqliteStore.open(db).close();
    }
}
