package dev.cairn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where the commands that work on an earlier run find it: OUTDIR and, optionally, another checkpoint store. */
final class CheckpointOptions {

    @Parameters(paramLabel = "OUTDIR", description = "Output directory of a run.")
    Path outDir;

    @Option(names = "--store", paramLabel = "URL", description = "Checkpoint store: a SQLite file path or sqlite:PATH, or postgresql://HOST/DB (shared by many machines) (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    /** OUTDIR, absolute and normalised. */
    Path dir() {
        return outDir.toAbsolutePath().normalize();
    }
}
