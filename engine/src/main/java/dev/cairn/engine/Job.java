package dev.cairn.engine;

import java.util.List;

/**
 * One job: a {@link JobType} bound to its {@link JobSpec}. What the engine and the operator
 * commands need of a job, whatever its kind:
 *
 * <ul>
 *   <li>{@link #plan()}: the assets, every time the job runs (re-planning is how changed and new
 *       inputs are noticed, see {@link CheckpointStore#plan});</li>
 *   <li>{@link #processor()}: the work of one asset, with the contract of {@link AssetProcessor};</li>
 *   <li>{@link #layout()}: which files the job produces, so that {@code verify} can tell an
 *       output from a stranger and {@code reset} knows what to clear;</li>
 *   <li>{@link #estimate(Asset)}: a cheap count of an asset's items in the job's unit, for the
 *       progress total before the first item is done.</li>
 * </ul>
 *
 * <p>A job object lives for one run; it may cache what it learns about inputs (the estimate of
 * one file is asked once per chunk).
 */
public interface Job {

    JobType type();

    JobSpec spec();

    /**
     * The assets of the job as its inputs are now. Runs before any output is written.
     *
     * @throws PlanningException when the job cannot be planned (an input missing, two inputs
     *                           mapping to one output); the message names the inputs concerned
     */
    List<Asset> plan() throws PlanningException;

    /** The processor of this job's assets; called once per run. */
    AssetProcessor processor();

    /** The files this job produces under its output root. */
    OutputLayout layout();

    /**
     * Items of a pending asset, in {@link JobType#unit()}, for the progress total: an estimate,
     * never a check (0 when unknown or unreadable; the asset's processing reports what is wrong).
     */
    long estimate(Asset asset);
}
