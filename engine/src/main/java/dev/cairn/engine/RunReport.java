package dev.cairn.engine;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of one run of a job: the state of every asset afterwards, and what this run did.
 *
 * @param counts            assets per state in the whole job after the run
 * @param failuresByClass   failed assets per error class in the whole job after the run
 * @param doneThisRun       assets this run completed
 * @param failedThisRun     assets this run dead-lettered
 * @param itemsThisRun      items written by this run, in the job's unit
 * @param duration          wall time of this run
 * @param interrupted       true if a stop was requested before the job finished
 * @param checkpointTime    time the workers spent in checkpoint transitions (claim, complete,
 *                          fail, release, including waits for the store's lock), summed over
 *                          workers: divided by workers x duration it is the checkpoint's share
 */
public record RunReport(Map<AssetState, Long> counts, Map<ErrorClass, Long> failuresByClass,
                        long doneThisRun, long failedThisRun, long itemsThisRun,
                        Duration duration, boolean interrupted, Duration checkpointTime) {

    public RunReport {
        counts = new EnumMap<>(counts);
        failuresByClass = failuresByClass.isEmpty() ? Map.of() : new EnumMap<>(failuresByClass);
        checkpointTime = checkpointTime == null ? Duration.ZERO : checkpointTime;
    }

    /** A report without checkpoint timing. */
    public RunReport(Map<AssetState, Long> counts, Map<ErrorClass, Long> failuresByClass, long doneThisRun,
            long failedThisRun, long itemsThisRun, Duration duration, boolean interrupted) {
        this(counts, failuresByClass, doneThisRun, failedThisRun, itemsThisRun, duration, interrupted, Duration.ZERO);
    }

    public static final int OK = 0;
    public static final int RUNTIME_ERROR = 1;
    public static final int USAGE = 2;
    public static final int CRS_PROBLEM = 10;
    public static final int FORMAT_PROBLEM = 11;
    public static final int PARTIAL = 12;

    public long count(AssetState state) {
        return counts.getOrDefault(state, 0L);
    }

    /**
     * The process exit code, as DESIGN §3 defines it: 0 every asset done; 1 interrupted, or work
     * left that another live worker holds; 10 / 11 when nothing succeeded and every failure was a
     * CRS / format failure; 12 when some assets are dead-lettered otherwise.
     */
    public int exitCode() {
        if (interrupted) {
            return RUNTIME_ERROR;
        }
        long failed = count(AssetState.FAILED);
        if (failed == 0) {
            return count(AssetState.PENDING) + count(AssetState.RUNNING) == 0 ? OK : RUNTIME_ERROR;
        }
        if (count(AssetState.DONE) == 0 && failuresByClass.size() == 1) {
            ErrorClass only = failuresByClass.keySet().iterator().next();
            if (only == ErrorClass.CRS) {
                return CRS_PROBLEM;
            }
            if (only == ErrorClass.FORMAT) {
                return FORMAT_PROBLEM;
            }
        }
        return PARTIAL;
    }

    /** Items per second of this run, in the job's unit. */
    public double itemsPerSecond() {
        double seconds = Math.max(duration.toMillis(), 1) / 1000.0;
        return itemsThisRun / seconds;
    }

    /** Failures by class keyed by the lower-case class name, sorted. */
    public Map<String, Long> failuresByClassKey() {
        Map<String, Long> m = new TreeMap<>();
        failuresByClass.forEach((k, v) -> m.put(k.key(), v));
        return m;
    }
}
