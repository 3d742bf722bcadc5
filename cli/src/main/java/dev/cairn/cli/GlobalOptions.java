package dev.cairn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: configuration file, logging and console output. */
final class GlobalOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (default: $CAIRN_CONFIG, else ./cairn.yaml when present)."
                    + " Precedence: defaults < file < CAIRN_* environment < flags; see 'cairn config --show'.")
    Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log format on stderr: auto (text on a terminal, JSON lines otherwise), text or json.")
    String logFormat;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging, and full stack traces for expected errors too.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "No progress output and no info logging (warnings, errors and the summary still print).")
    boolean quiet;
}
