package dev.cairn.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cairn} command. This package is the only place that prints to the console or
 * decides the process exit code (DESIGN §3).
 */
@Command(name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Crash-safe, resumable batch processor for geospatial data.%n"
                + "Kill it at any moment and run the same command again: it resumes where it stopped.",
        subcommands = {
                ConvertCommand.class,
                ResumeCommand.class,
                StatusCommand.class,
                FailuresCommand.class,
                RetryFailuresCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"",
                "Exit codes: 0 all done; 1 runtime error or interrupted (run again to resume);",
                "2 usage or configuration error; 10 CRS problem; 11 unreadable format; 12 partial (see 'cairn failures')."})
public final class Main implements Runnable {

    /** Derby (inside Apache SIS's embedded EPSG data) would otherwise write derby.log into the working directory. */
    public static final OutputStream DERBY_LOG = OutputStream.nullOutputStream();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'cairn convert --help'.");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        System.setProperty("derby.stream.error.field", Main.class.getName() + ".DERBY_LOG");
        Logging.configureJavaUtilLogging();
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CliException ce) {
                cmd.getErr().println("cairn: " + ce.getMessage());
                return ce.exitCode();
            }
            cmd.getErr().println("cairn: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli;
    }
}
