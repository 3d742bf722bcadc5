package dev.cairn.store.postgresql;

import dev.cairn.engine.UpperCaseLibraryJob;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link UpperCaseLibraryJob} on a PostgreSQL store, run as its own process by
 * {@link PgEngineAsLibraryKillTest}.
 *
 * <p>Usage: {@code PgLibraryJobMain IN OUT URL [blocks-of-4]}; exits with the run's exit code.
 * With {@code blocks-of-4}, every plan is written as blocks of four assets ({@link PgPlanBlocks}).
 */
public final class PgLibraryJobMain {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int code;
        try (PostgresStore store = PostgresStore.open(args[2], null)) {
            if (args.length > 3 && args[3].equals("blocks-of-4")) {
                store.planBlocks(new PgPlanBlocks.Layout(1, 4));
            }
            code = UpperCaseLibraryJob.run(store, in, out);
        }
        System.exit(code);
    }
}
