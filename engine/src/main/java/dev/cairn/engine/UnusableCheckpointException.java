package dev.cairn.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint that exists but cannot be trusted: truncated, overwritten, not a database at all,
 * a write-ahead log with damaged frames, or written by a newer cairn. Detected when the store is
 * opened, before anything is read from it or written to it; the files are left exactly as they
 * were. Never transient. {@link #files()} lists the files that make up the checkpoint (for
 * SQLite: the database and its {@code -wal} and {@code -shm} files, those that exist), which
 * {@code --fresh} sets aside under another name before it starts over.
 */
public final class UnusableCheckpointException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final transient List<Path> files;

    public UnusableCheckpointException(String message, List<Path> files, Throwable cause) {
        super(message, cause, false);
        this.files = List.copyOf(files);
    }

    /** The files of the checkpoint, the main one first. */
    public List<Path> files() {
        return files;
    }
}
