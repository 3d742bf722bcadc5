package dev.cairn.raster.io;

import java.io.IOException;
import java.time.Duration;

/** A response worth another try (408, 429, 5xx but 501/505), with the server's Retry-After if it sent one. */
final class TransientHttpException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Duration retryAfter;

    TransientHttpException(String message, int status, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** The server's Retry-After, or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
