package dev.cairn.raster.io;

import java.io.IOException;

/**
 * A remote input that cannot be read and will not become readable by trying again: HTTP 404, 403,
 * 410, 400 and other client errors, or a server that ignores range requests on a file too big to
 * download whole. The message is the one a user sees: {@code https://host/dem.tif: HTTP 404 Not Found}.
 *
 * <p>It is an {@link IOException} because {@link ByteSource} reads throw only those; the engine
 * counts plain I/O errors as transient, so a job must turn this one into a permanent dead letter
 * ({@code AssetFailure.permanent(ErrorClass.IO, e.getMessage(), e)}), see {@link #isPermanent()}.
 */
public class RemoteSourceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final int status;

    public RemoteSourceException(String url, int status, String message) {
        super(message);
        this.url = url;
        this.status = status;
    }

    /** The URL as the user gave it. */
    public String url() {
        return url;
    }

    /** The HTTP status that made the failure permanent, or 0 when it was not one status (Range ignored). */
    public int status() {
        return status;
    }

    /** Always true: retrying cannot help. */
    public boolean isPermanent() {
        return true;
    }
}
