package dev.cairn.geo.pipeline;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ProcessContext;

/**
 * What the transform pool made of a batch of rows, written back by the copying thread in input
 * order: per row, nothing to say, a reason to skip it, or what was repaired; and the first row
 * whose transform failed, with its failure, where the batch stops. Subclasses hold the rows.
 */
public abstract class TransformedBatch {
    private final String[] skip;
    private final String[] repaired;
    private final String[] kept;
    private int failedRow = -1;
    private AssetFailure failure;
    /** Rows in the batch. */
    public int size;

    protected TransformedBatch(int capacity) {
        skip = new String[capacity];
        repaired = new String[capacity];
        kept = new String[capacity];
    }

    /** Row {@code r} is left out, recorded with {@code why}. */
    public void skip(int r, String why) {
        skip[r] = why;
    }

    /** Row {@code r} was repaired, recorded with {@code what}. */
    public void repaired(int r, String what) {
        repaired[r] = what;
    }

    /** Row {@code r} is invalid and written as read ({@code --on-invalid warn}), recorded with {@code what}. */
    public void kept(int r, String what) {
        kept[r] = what;
    }

    /** Row {@code r} failed: the rows before it are written, then {@code f} is thrown. */
    public void fail(int r, AssetFailure f) {
        failedRow = r;
        failure = f;
    }

    /** Whether row {@code r} is left out. */
    boolean skipped(int r) {
        return skip[r] != null;
    }

    /** The row whose transform failed, or -1. */
    int failedRow() {
        return failedRow;
    }

    /** Writes one row of the batch. */
    @FunctionalInterface
    public interface RowWriter {
        void write(int row) throws AssetFailure;
    }

    /**
     * Writes the batch's rows in order through {@code writer}, recording skipped and repaired
     * rows in {@code issues} and ticking {@code progress} per row; throws the failure at its row.
     * Returns the rows written.
     */
    public long drain(RowWriter writer, FeatureIssues issues, Progress progress) throws AssetFailure {
        long written = 0;
        for (int r = 0; r < size; r++) {
            if (r == failedRow) {
                throw failure;
            }
            if (skip[r] != null) {
                issues.skipped(skip[r]);
            } else {
                if (repaired[r] != null) {
                    issues.repaired(repaired[r]);
                }
                if (kept[r] != null) {
                    issues.kept(kept[r]);
                }
                writer.write(r);
                written++;
            }
            progress.tick();
        }
        return written;
    }

    /** Reports progress and honours a stop request every {@link FeatureConverter#STOP_CHECK_INTERVAL} rows. */
    public static final class Progress {
        private final ProcessContext ctx;
        private int since;

        public Progress(ProcessContext ctx) {
            this.ctx = ctx;
        }

        void tick() {
            if (++since == FeatureConverter.STOP_CHECK_INTERVAL) {
                ctx.progress(since);
                since = 0;
                ctx.checkStop();
            }
        }

        /** Reports the rows since the last report. */
        public void finish() {
            if (since > 0) {
                ctx.progress(since);
                since = 0;
            }
        }
    }
}
