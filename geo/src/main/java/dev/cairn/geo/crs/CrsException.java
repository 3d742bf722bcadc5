package dev.cairn.geo.crs;

/**
 * A CRS code or definition that cannot be used: unknown to the EPSG dataset, malformed, or with
 * no coordinate operation to the requested target. The message is shown to users as is.
 */
public final class CrsException extends Exception {
    private static final long serialVersionUID = 1L;

    public CrsException(String message) {
        super(message);
    }

    public CrsException(String message, Throwable cause) {
        super(message, cause);
    }
}
