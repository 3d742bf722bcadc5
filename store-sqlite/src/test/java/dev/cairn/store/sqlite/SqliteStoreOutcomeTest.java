package dev.cairn.store.sqlite;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreOutcomeContract;

/** Part 2 of the store contract on SQLite files (part 1 and the SQLite specifics: {@link SqliteStoreTest}). */
class SqliteStoreOutcomeTest extends CheckpointStoreOutcomeContract {

    @TempDir
    Path dir;

    private final StoreFiles files = new StoreFiles();

    @Override
    protected CheckpointStore newStore() {
        return files.fresh(dir);
    }

    @Override
    protected CheckpointStore reopen() {
        return files.reopen();
    }
}
