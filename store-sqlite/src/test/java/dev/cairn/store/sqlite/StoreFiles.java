package dev.cairn.store.sqlite;

import dev.cairn.engine.CheckpointStore;
import java.nio.file.Path;

/** The store files of one contract test: a fresh file per {@link #fresh}, reopened by {@link #reopen}. */
final class StoreFiles {
    private Path file;
    private int stores;

    CheckpointStore fresh(Path dir) {
        file = dir.resolve("store-" + (++stores)).resolve("checkpoint.db");
        return SqliteStore.open(file);
    }

    CheckpointStore reopen() {
        return SqliteStore.open(file);
    }
}
