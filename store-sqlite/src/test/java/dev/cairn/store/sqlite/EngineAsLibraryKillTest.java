package dev.cairn.store.sqlite;

import dev.cairn.engine.AssetState;
import dev.cairn.engine.LibraryKillLoop;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's processor, run through the engine as a library in a real child JVM, gets the same
 * guarantees as the built-in jobs: killed with SIGKILL at random moments and run again, it ends
 * with every output complete and correct, no temp file left, every asset done, and only the assets
 * in flight at each kill redone ({@link LibraryKillLoop}).
 */
class EngineAsLibraryKillTest {
    @TempDir
    Path dir;

    @Test
    void killedLibraryJobResumesToTheSameOutputWithBoundedRework() throws Exception {
        LibraryKillLoop.killAndResume(dir, LibraryJobMain.class, List.of(), EngineAsLibraryKillTest::done);
    }

    /** The same with its plan in fifteen blocks of four: claims that take from two blocks at once get killed too. */
    @Test
    void aKilledJobWhosePlanSpansManyBlocksResumesToTheSameOutputWithBoundedRework() throws Exception {
        LibraryKillLoop.killAndResume(dir, LibraryJobMain.class, List.of("blocks-of-4"), EngineAsLibraryKillTest::done);
    }

    private static long done(Path out) {
        try (SqliteStore store = SqliteStore.openReadOnly(out.resolve(".cairn").resolve("checkpoint.db"))) {
            return store.counts().get(AssetState.DONE);
        }
    }
}
