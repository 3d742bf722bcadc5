package dev.cairn.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells what a processor's exception means for its asset (DESIGN §2.5, isolation): its error
 * class, whether it is transient (retried with backoff, see {@link RetrySettings}) or permanent
 * (dead-lettered at once), and the one-line message stored with the dead letter.
 *
 * <pre>
 *   thrown                                   class      transient   message
 *   AssetFailure                             its own    its own     its own (names the file)
 *   IOException, UncheckedIOException        io         yes         INPUT: Type: message
 *   StoreException (transient)               -          yes         (a checkpoint transition: retried by the runner)
 *   anything else                            internal   no          INPUT: internal error: Type: message
 * </pre>
 *
 * <p>One failure is not the asset's at all (DESIGN §2.5): a full disk ({@link #noSpace}: an
 * {@code IOException} "No space left on device", SQLite's {@code SQLITE_FULL} "database or disk
 * is full", anywhere in the cause chain, from an output or from the checkpoint). It is neither
 * retried nor dead-lettered: the runner stops the run, the asset stays pending, and
 * {@code cairn resume} finishes once space is freed.
 */
final class FailureClassifier {
    private FailureClassifier() {
    }

    /** A classified failure of one asset. */
    record Failure(ErrorClass errorClass, boolean transientFailure, String message) {
    }

    /**
     * Classifies {@code e}, thrown by the processor of {@code asset} after {@code tries} tries: a
     * transient failure tried more than once says it gave up.
     */
    static Failure classify(Throwable e, Asset asset, int tries) {
        ErrorClass errorClass;
        boolean transientFailure;
        String message;
        if (e instanceof AssetFailure f) {
            errorClass = f.errorClass();
            transientFailure = f.isTransient();
            message = f.getMessage();
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            errorClass = ErrorClass.IO;
            transientFailure = true;
            message = asset.input() + ": " + describe(e);
        } else {
            errorClass = ErrorClass.INTERNAL;
            transientFailure = false;
            message = asset.input() + ": internal error: " + describe(e);
        }
        if (transientFailure && tries > 1) {
            message = message + " (gave up after " + tries + " tries)";
        }
        return new Failure(errorClass, transientFailure, message);
    }

    /**
     * The file that could not be written, when {@code e} (or one of its causes) says the disk is
     * full: the path of a {@link FileSystemException}, else the checkpoint store's message (which
     * names its file) when a {@link StoreException} is in the chain, else {@code fallback} (SQLite's
     * error names no file). Empty for any other failure.
     */
    static Optional<String> noSpace(Throwable e, String fallback) {
        boolean full = false;
        String file = null;
        String store = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left on device") || m.contains("sqlite_full") || m.contains("database or disk is full")
                    || m.contains("disk quota exceeded")) {
                full = true;
            }
            if (file == null && t instanceof FileSystemException fs && fs.getFile() != null) {
                file = fs.getFile();
            }
            if (store == null && t instanceof StoreException) {
                store = "the checkpoint store (" + t.getMessage() + ")";
            }
        }
        String where = file != null ? file : store != null ? store : fallback;
        return full ? Optional.of(where) : Optional.empty();
    }

    /** True for failures worth another try: transient asset failures, I/O errors, transient store errors. */
    static boolean isTransient(Throwable e) {
        if (noSpace(e, "").isPresent()) {
            return false; // not the asset's failure: the run stops (see Runner)
        }
        if (e instanceof AssetFailure f) {
            return f.isTransient();
        }
        if (e instanceof StoreException s) {
            return s.isTransient();
        }
        return e instanceof IOException || e instanceof UncheckedIOException;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
