package dev.cairn.store.sqlite;

import dev.cairn.engine.UpperCaseLibraryJob;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link UpperCaseLibraryJob} on a SQLite store in OUT/.cairn, run as its own process by
 * {@link EngineAsLibraryKillTest}.
 *
 * <p>Usage: {@code LibraryJobMain IN OUT [blocks-of-4]}; exits with the run's exit code.
 * With {@code blocks-of-4}, its plan is written as blocks of four assets ({@link PlanBlocks})
 * instead of one block.
 */
public final class LibraryJobMain {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int code;
        try (SqliteStore store = SqliteStore.open(out.resolve(".cairn").resolve("checkpoint.db"))) {
            if (args.length > 2 && args[2].equals("blocks-of-4")) {
                store.planBlocks(new PlanBlocks.Layout(4));
            }
            code = UpperCaseLibraryJob.run(store, in, out);
        }
        System.exit(code);
    }
}
