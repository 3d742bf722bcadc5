package dev.cairn.engine;

import java.io.IOException;
import java.io.UncheckedIOException;

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

    /** True for failures worth another try: transient asset failures, I/O errors, transient store errors. */
    static boolean isTransient(Throwable e) {
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
