package dev.cairn.store.postgresql;

import dev.cairn.engine.AssetState;
import dev.cairn.engine.LibraryKillLoop;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No asset lost or done twice after kill -9 with the plan in PostgreSQL blocks: a real child JVM
 * running a job through the engine on a PostgreSQL store, its plan in fifteen blocks of four
 * ({@link PgPlanBlocks}), killed with SIGKILL at random moments (mid-claim, mid-dissolve,
 * mid-commit) and run again ({@link LibraryKillLoop}).
 */
@ExtendWith(PostgresServer.class)
class PgEngineAsLibraryKillTest {
    @TempDir
    Path dir;

    @Test
    void aKilledJobWhosePlanIsInBlocksResumesToTheSameOutputWithBoundedRework() throws Exception {
        String url = PostgresServer.cluster().newDatabase();
        LibraryKillLoop.killAndResume(dir, PgLibraryJobMain.class, List.of(url, "blocks-of-4"), out -> {
            try (PostgresStore store = PostgresStore.openReadOnly(url, null)) {
                return store.counts().get(AssetState.DONE);
            }
        });
    }
}
