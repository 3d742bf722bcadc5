package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --store URL} goes to the store plug-in that reads it; the CLI names none. */
class StoresTest {
    @TempDir
    Path dir;

    @Test
    void aUrlNoStorePlugInReadsIsAUsageErrorNamingTheSchemesOfThisBuild() {
        assertThatThrownBy(() -> Stores.open(dir, "mysql://db/cairn"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageStartingWith("--store mysql://db/cairn: no checkpoint store of this version of cairn reads mysql"
                        + " URLs (it has: ")
                .hasMessageContaining("postgresql").hasMessageContaining("sqlite")
                .hasMessageEndingWith("); use one of those, or leave --store out.");
    }

    @Test
    void withoutStoreTheCheckpointIsOutdirsAndASqliteUrlOrBarePathIsALocalFile() {
        assertThat(Stores.localFile(dir, null)).contains(dir.resolve(".cairn").resolve("checkpoint.db"));
        assertThat(Stores.localFile(dir, "sqlite:" + dir.resolve("a.db"))).contains(dir.resolve("a.db"));
        assertThat(Stores.localFile(dir, dir.resolve("b.db").toString())).contains(dir.resolve("b.db"));
        assertThat(Stores.localFile(dir, "postgresql://db/cairn")).isEmpty();
    }

    @Test
    void aMissingCheckpointIsAUsageErrorAndIsNotCreatedByTheCommandsThatNeedOne() {
        assertThatThrownBy(() -> Stores.openExisting(dir, null))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("No cairn checkpoint at " + dir.resolve(".cairn").resolve("checkpoint.db"));
        assertThat(dir.resolve(".cairn")).doesNotExist();
    }

    @Test
    void aSqliteUrlOpensTheSameCheckpointAsItsBarePath() {
        Path db = dir.resolve("elsewhere.db");
        try (CheckpointStore store = Stores.open(dir, db.toString())) {
            new JobSpec("convert", Map.of("-o", dir.toString())).resumeOrStart(store, false, dir.toString());
        }
        try (CheckpointStore store = Stores.openReadOnly(dir, "sqlite:" + db)) {
            assertThat(store.job()).map(j -> j.kind()).contains("convert");
        }
    }
}
