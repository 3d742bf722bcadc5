package dev.cairn.store.sqlite;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreOutcomeContract;

/** Part 2 of the store contract on SQLite files (part 1 and the SQLite specifics: {@link SqliteStoreTest}). */
class SqliteStoreOutcomeTest extends CheckpointStoreOutcomeContract {

    @TempDir
    Path dir;

    private Path file;
    private int stores;

    @Override
    protected CheckpointStore newStore() {
        file = dir.resolve("store-" + (++stores)).resolve("checkpoint.db");
        return SqliteStore.open(file);
    }

    @Override
    protected CheckpointStore reopen() {
        return SqliteStore.open(file);
    }
}
