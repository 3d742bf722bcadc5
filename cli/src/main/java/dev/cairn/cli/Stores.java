package dev.cairn.cli;

import dev.cairn.engine.RunReport;
import dev.cairn.store.sqlite.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a job's checkpoint lives and how to open it. */
final class Stores {
    static final String DIR = ".cairn";
    static final String FILE = "checkpoint.db";

    private Stores() {
    }

    /**
     * The checkpoint file: {@code --store} when given (a SQLite file path, optionally prefixed
     * with {@code sqlite:}), else {@code OUTDIR/.cairn/checkpoint.db}.
     */
    static Path location(Path outDir, String storeUrl) {
        if (storeUrl == null || storeUrl.isBlank()) {
            return outDir.resolve(DIR).resolve(FILE);
        }
        if (storeUrl.startsWith("postgresql:") || storeUrl.startsWith("jdbc:postgresql:")) {
            throw new CliException(RunReport.USAGE, "--store " + storeUrl
                    + ": PostgreSQL checkpoints are not available in this version of cairn; use a SQLite file path or leave --store out.");
        }
        String path = storeUrl.startsWith("sqlite:") ? storeUrl.substring("sqlite:".length()) : storeUrl;
        return Path.of(path).toAbsolutePath();
    }

    /** Opens an existing checkpoint for reading while a run may be writing it. */
    static SqliteStore openExisting(Path outDir, String storeUrl) {
        Path db = location(outDir, storeUrl);
        if (!Files.isRegularFile(db)) {
            throw new CliException(RunReport.USAGE, "No cairn checkpoint at " + db
                    + ": is " + outDir + " the output directory of a cairn run?");
        }
        return SqliteStore.open(db);
    }

    /** Opens an existing checkpoint read-only: safe while a run is writing it. */
    static SqliteStore openReadOnly(Path outDir, String storeUrl) {
        Path db = location(outDir, storeUrl);
        if (!Files.isRegularFile(db)) {
            throw new CliException(RunReport.USAGE, "No cairn checkpoint at " + db
                    + ": is " + outDir + " the output directory of a cairn run?");
        }
        return SqliteStore.openReadOnly(db);
    }
}
