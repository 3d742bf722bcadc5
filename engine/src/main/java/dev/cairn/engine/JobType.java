package dev.cairn.engine;

/**
 * A kind of job ({@code convert}, later {@code warp} and {@code tiles}): the plug-in that turns a
 * stored {@link JobSpec} into a plan, a processor and an output layout. Job types are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.cairn.engine.JobType}, see
 * {@link JobTypes}), as formats are; the operator commands ({@code resume}, {@code status},
 * {@code failures}, {@code retry-failures}, {@code verify}, {@code reset}) look a job's type up by
 * the kind recorded in its checkpoint and so work for every kind with no change.
 *
 * <p>A new kind of job is one package holding an implementation of this interface plus one line
 * in the services file; nothing in the engine or in the operator commands names it.
 *
 * <p>Implementations are stateless and thread-safe; {@link #open} may do I/O only to validate
 * (never to write).
 */
public interface JobType {

    /** The kind recorded in the checkpoint and named on the command line, e.g. {@code convert}. */
    String kind();

    /**
     * The name of the job's unit of progress, plural and lower case: {@code features},
     * {@code tiles}, {@code pixels}. Every count of items the engine reports for this job
     * ({@link Outcome#features()}, progress, summaries) is in this unit.
     */
    String unit();

    /**
     * Binds this type to a spec of its kind (a new one, or one read back from a checkpoint).
     *
     * @throws InvalidJobSpecException when the spec cannot be a job of this kind (a missing or
     *                                 malformed option); the message names the option
     */
    Job open(JobSpec spec) throws InvalidJobSpecException;
}
