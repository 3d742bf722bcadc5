package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code checkpoint.db.new-UUID} files a process killed while creating a checkpoint leaves in
 * {@code .cairn} are removed by the next open for writing, once they are more than a minute old
 * and no process holds a lock on them; a younger or locked one may still be being made.
 */
class CheckpointCreationLeftoversTest {
    private static final Instant TWO_MINUTES_AGO = Instant.now().minusSeconds(120);

    @TempDir
    Path dir;

    private Path leftover(String name, Instant modified) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void leftoversOfAnInterruptedCreationOlderThanAMinuteAreRemovedWhenTheCheckpointIsOpened() throws Exception {
        Path checkpoint = dir.resolve("checkpoint.db");
        leftover("checkpoint.db.new-0b1c", TWO_MINUTES_AGO);
        leftover("checkpoint.db.new-0b1c-journal", TWO_MINUTES_AGO);
        leftover("checkpoint.db.new-77aa-wal", TWO_MINUTES_AGO);
        leftover("other.db.new-0b1c", TWO_MINUTES_AGO);

        SqliteSchema.openReadWrite(checkpoint).close();

        assertThat(names()).doesNotContain("checkpoint.db.new-0b1c", "checkpoint.db.new-0b1c-journal",
                "checkpoint.db.new-77aa-wal").contains("checkpoint.db", "other.db.new-0b1c");
    }

    @Test
    void leftoversAreAlsoRemovedWhenTheCheckpointExistsAlready() throws Exception {
        Path checkpoint = dir.resolve("checkpoint.db");
        SqliteSchema.openReadWrite(checkpoint).close();
        leftover("checkpoint.db.new-0b1c", TWO_MINUTES_AGO);

        SqliteSchema.openReadWrite(checkpoint).close();

        assertThat(names()).doesNotContain("checkpoint.db.new-0b1c");
    }

    @Test
    void aLeftoverYoungerThanAMinuteIsLeftToTheProcessThatMayStillBeMakingIt() throws Exception {
        leftover("checkpoint.db.new-0b1c", Instant.now().minusSeconds(20));

        int removed = CheckpointCreation.removeStale(dir.resolve("checkpoint.db"), Instant.now());

        assertThat(removed).isZero();
        assertThat(names()).contains("checkpoint.db.new-0b1c");
    }

    @Test
    void anOldLeftoverAnotherProcessHoldsALockOnIsLeftUntilThatProcessIsKilled() throws Exception {
        Path tmp = dir.resolve("checkpoint.db.new-0b1c");
        Path holderErr = Files.createTempFile("hold-lock-", ".txt");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), tmp.toString())
                .redirectError(holderErr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the lock holder's stderr: %s", Files.readString(holderErr)).isEqualTo("locked");
            Files.setLastModifiedTime(tmp, FileTime.from(TWO_MINUTES_AGO));

            assertThat(CheckpointCreation.removeStale(dir.resolve("checkpoint.db"), Instant.now())).isZero();
            assertThat(tmp).exists();
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(holderErr);
        }

        assertThat(CheckpointCreation.removeStale(dir.resolve("checkpoint.db"), Instant.now())).isPositive();
        assertThat(tmp).doesNotExist();
    }

    /** A process in the middle of writing a checkpoint's schema: an open SQLite write transaction on the file. */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
            Statement st = c.createStatement();
            st.execute("BEGIN EXCLUSIVE");
            st.execute("CREATE TABLE job (id TEXT)");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
