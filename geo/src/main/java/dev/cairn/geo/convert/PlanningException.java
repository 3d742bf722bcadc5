package dev.cairn.geo.convert;

/** The inputs cannot be planned into a job (missing input, no input files, output name collision): a usage error. */
public final class PlanningException extends Exception {
    private static final long serialVersionUID = 1L;

    public PlanningException(String message) {
        super(message);
    }
}
