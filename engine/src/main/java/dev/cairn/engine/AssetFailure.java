package dev.cairn.engine;

/**
 * Thrown by an {@link AssetProcessor} to say why an asset cannot be processed. A transient
 * failure is retried with exponential backoff and jitter; a permanent one dead-letters the asset
 * at once. The message is shown to users as is: name the file, what was wrong and what to do.
 */
public class AssetFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorClass errorClass;
    private final boolean transientFailure;

    public AssetFailure(ErrorClass errorClass, String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
        this.transientFailure = transientFailure;
    }

    public static AssetFailure permanent(ErrorClass errorClass, String message) {
        return new AssetFailure(errorClass, message, false, null);
    }

    public static AssetFailure permanent(ErrorClass errorClass, String message, Throwable cause) {
        return new AssetFailure(errorClass, message, false, cause);
    }

    public static AssetFailure transientFailure(ErrorClass errorClass, String message, Throwable cause) {
        return new AssetFailure(errorClass, message, true, cause);
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
