package dev.cairn.engine;

/**
 * A job spec that cannot be run: its kind is not installed, or an option is missing or malformed
 * (a checkpoint written by another version, or edited by hand). A usage error (exit 2): nothing
 * was written.
 */
public final class InvalidJobSpecException extends Exception {
    public InvalidJobSpecException(String message) {
        super(message);
    }

    public InvalidJobSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
