package dev.cairn.cli;

import dev.cairn.engine.RunReport;
import picocli.CommandLine.Option;

/** Options of the commands that run a job (convert, resume, retry-failures): how it runs, not what it produces. */
final class RunOptions {

    @Option(names = "--workers", paramLabel = "N", description = "Worker threads (default: number of cores).")
    Integer workers;

    @Option(names = "--json", description = "Print a JSON summary object as the last line on stdout.")
    boolean json;

    /** The validated settings; a bad --workers exits 2 before any I/O. */
    JobExecution.RunSettings settings() {
        int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        if (n < 1) {
            throw new CliException(RunReport.USAGE, "--workers " + workers + ": must be at least 1.");
        }
        return new JobExecution.RunSettings(n, json);
    }
}
