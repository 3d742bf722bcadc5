package dev.cairn.engine;

/**
 * A job that cannot be planned: an input missing or unreadable, no input at all, two inputs that
 * would write one output. A usage error (exit 2), raised before any output is written; the message
 * names the inputs and what to do.
 */
public final class PlanningException extends Exception {
    public PlanningException(String message) {
        super(message);
    }
}
