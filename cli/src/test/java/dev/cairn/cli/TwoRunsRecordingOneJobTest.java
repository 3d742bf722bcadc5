package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.StoreException;
import dev.cairn.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one command started at the same instant both find no job in the new checkpoint and
 * both record it: the second insert fails, and the second run joins the job the first recorded
 * instead of failing ({@link JobExecution#bind}). The interleaving is forced here with two handles
 * opened before either records the job; {@code TwoRunsOneOutputIT} starts real processes.
 */
class TwoRunsRecordingOneJobTest {
    @TempDir
    Path dir;

    private final JobSpec spec = new JobSpec("convert", Map.of("to", "EPSG:4326", "inputs", "/in"));

    @Test
    void theSecondOfTwoRunsThatBothFoundNoJobJoinsTheJobTheFirstRecorded() {
        Path db = dir.resolve("checkpoint.db");
        try (CheckpointStore first = SqliteStore.open(db)) {
            CheckpointStore second = SqliteStore.open(db);
            assertThat(second.job()).isEmpty();
            JobRecord recorded = spec.resumeOrStart(first, false, "out");
            assertThatThrownBy(() -> spec.resumeOrStart(second, false, "out"))
                    .as("without bind: the second insert fails").isInstanceOf(StoreException.class);

            second.close();

            CheckpointStore raced = SqliteStore.open(dir.resolve("raced.db"));
            try (CheckpointStore other = SqliteStore.open(dir.resolve("raced.db"))) {
                recorded = spec.resumeOrStart(other, false, "out"); // after raced looked: it found no job
            }
            try (CheckpointStore bound = JobExecution.bind(raced, spec, false, "out",
                    () -> SqliteStore.open(dir.resolve("raced.db")))) {
                assertThat(bound.job()).map(JobRecord::id).contains(recorded.id());
            }
        }
    }

    @Test
    void ofTwoRunsWithOtherOptionsThatBothFoundNoJobTheLaterIsRefusedAsDriftAndForgetsItsJob() {
        Path db = dir.resolve("checkpoint.db");
        JobSpec other = new JobSpec("convert", Map.of("to", "EPSG:3857", "inputs", "/in"));
        try (CheckpointStore first = SqliteStore.open(db); CheckpointStore second = SqliteStore.open(db)) {
            JobRecord earlier = other.resumeOrStart(first, false, "out");
            CheckpointStore bound = JobExecution.bind(second, spec, false, "out", () -> SqliteStore.open(db));
            assertThat(bound.jobs()).as("both recorded a job: the look and the insert are two transactions").hasSize(2);

            JobExecution.onlyJobOfOutdir(first, other, "out");
            assertThatThrownBy(() -> JobExecution.onlyJobOfOutdir(bound, spec, "out"))
                    .isInstanceOf(CliException.class).hasMessageContaining("to: EPSG:3857 → EPSG:4326")
                    .hasMessageContaining("--fresh");
            assertThat(first.jobs()).map(JobRecord::id).containsExactly(earlier.id());
        }
    }
}
