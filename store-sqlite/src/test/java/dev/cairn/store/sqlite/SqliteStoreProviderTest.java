package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStores;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.UnknownStoreException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store as a plug-in: which URLs reach it through {@link CheckpointStores}, and how it opens them. */
class SqliteStoreProviderTest {

    private static final JobRecord FIRST = new JobSpec("convert", Map.of("to", "EPSG:4326"))
            .toRecord(Instant.parse("2024-05-01T12:00:00Z"));
    private static final JobRecord SECOND = new JobSpec("convert", Map.of("to", "EPSG:3857"))
            .toRecord(Instant.parse("2024-05-02T12:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void thisBuildHasTheSqliteScheme() {
        assertThat(CheckpointStores.schemes()).contains("sqlite");
    }

    @Test
    void aSqliteUrlAndABarePathOpenTheSameCheckpointFile() {
        Path db = dir.resolve("sub/checkpoint.db");
        try (CheckpointStore store = CheckpointStores.open("sqlite:" + db, null, false)) {
            assertThat(store).isInstanceOfSatisfying(SqliteStore.class, s -> assertThat(s.file()).isEqualTo(db));
            store.createJob(FIRST);
        }
        try (CheckpointStore store = CheckpointStores.open(db.toString(), null, true)) {
            assertThat(store.job()).contains(FIRST);
        }
    }

    @Test
    void aPostgresqlUrlIsRefusedNamingItAndTheSchemesOfThisBuild() {
        for (String url : new String[] {"postgresql://db/cairn", "jdbc:postgresql://db/cairn"}) {
            assertThatThrownBy(() -> CheckpointStores.open(url, null, false))
                    .isInstanceOf(UnknownStoreException.class)
                    .hasMessageContaining(url).hasMessageContaining("sqlite");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void acceptsSqliteUrlsAndPathsIncludingWindowsDrivesButNoOtherScheme() {
        SqliteStoreProvider provider = new SqliteStoreProvider();

        assertThat(provider.accepts("sqlite:out/.cairn/checkpoint.db")).isTrue();
        assertThat(provider.accepts("out/.cairn/checkpoint.db")).isTrue();
        assertThat(provider.accepts("/abs/checkpoint.db")).isTrue();
        assertThat(provider.accepts("C:\\out\\checkpoint.db")).isTrue();
        assertThat(provider.accepts("sqlite:")).isFalse();
        assertThat(provider.accepts("")).isFalse();
        assertThat(provider.accepts("postgresql://db/cairn")).isFalse();
        assertThat(provider.accepts("s3://bucket/checkpoint.db")).isFalse();
        assertThat(SqliteStoreProvider.path("sqlite:rel/checkpoint.db"))
                .isEqualTo(Path.of("rel/checkpoint.db").toAbsolutePath());
    }

    @Test
    void readOnlyOpeningOfAMissingFileFailsNamingItAndCreatesNothing() {
        Path db = dir.resolve("missing/checkpoint.db");

        assertThatThrownBy(() -> CheckpointStores.open("sqlite:" + db, null, true))
                .isInstanceOf(NoSuchCheckpointException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("does not exist");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void openingWithAJobIdBindsToThatJobAndAnUnknownIdIsUnboundForWritingButRefusedForReading() {
        Path db = dir.resolve("checkpoint.db");
        try (SqliteStore first = SqliteStore.open(db, FIRST.id(), Clock.systemUTC());
             SqliteStore second = SqliteStore.open(db, SECOND.id(), Clock.systemUTC())) {
            first.createJob(FIRST);
            second.createJob(SECOND);
        }
        String url = "sqlite:" + db;

        try (CheckpointStore store = CheckpointStores.open(url, FIRST.id(), true)) {
            assertThat(store.job()).contains(FIRST);
        }
        try (CheckpointStore store = CheckpointStores.open(url, null, true)) {
            assertThat(store.job()).as("the most recent job").contains(SECOND);
        }
        try (CheckpointStore store = CheckpointStores.open(url, "0123456789abcdef", false)) {
            assertThat(store.job()).isEmpty();
            assertThat(store.jobs()).containsExactly(FIRST, SECOND);
        }
        assertThatThrownBy(() -> CheckpointStores.open(url, "0123456789abcdef", true))
                .isInstanceOf(NoSuchCheckpointException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("0123456789abcdef")
                .hasMessageContaining(FIRST.id()).hasMessageContaining(SECOND.id());
        assertThatThrownBy(() -> CheckpointStores.open(url, " ", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileThatIsNotACheckpointIsRefusedThroughThePluginToo() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a database, just text that is long enough");

        assertThatThrownBy(() -> CheckpointStores.open(notes.toString(), null, true)).isInstanceOf(StoreException.class)
                .hasMessageContaining(notes.toString());
    }
}
