package dev.cairn.engine;

import java.util.List;

/**
 * A run whose options differ from those of the job recorded in its checkpoint. Resuming would mix
 * outputs of two different jobs, so the run is refused (exit 2) before anything is written,
 * naming every differing option and the two ways out: the original options, or {@code --fresh}.
 * Thrown by {@link JobSpec#resumeOrStart}.
 */
public final class OptionDriftException extends RuntimeException {
    private final JobRecord stored;
    private final List<String> differences;

    public OptionDriftException(String where, JobRecord stored, List<String> differences) {
        super("Cannot resume: " + where + " holds job " + stored.id() + " with other options ("
                + String.join("; ", differences).replace('\n', ',') + "). Run with --fresh to start over, or use the"
                + " original options (cairn resume " + where + ").");
        this.stored = stored;
        this.differences = List.copyOf(differences);
    }

    /** The job the checkpoint holds. */
    public JobRecord stored() {
        return stored;
    }

    /** Each differing option as {@code name: stored → requested}. */
    public List<String> differences() {
        return differences;
    }
}
