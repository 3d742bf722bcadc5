package dev.cairn.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
                WarpCommand.class,
                TilesCommand.class,
                WorkerCommand.class,
                ResumeCommand.class,
                StatusCommand.class,
                FailuresCommand.class,
                RetryFailuresCommand.class,
                VerifyCommand.class,
                ResetCommand.class,
                ConfigCommand.class,
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
        quietLibraries();
        CrsWarmUp.startFor(args); // SIS starts on a second core while logging is set up and the command line parsed
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return execute(System.getenv(), Path.of(""), args);
    }

    /** {@link #execute(String...)} with the environment and the directory holding the default cairn.yaml given. */
    static int execute(Map<String, String> env, Path workDir, String... args) {
        quietLibraries();
        SqliteNativeLibrary.install();
        Thread.setDefaultUncaughtExceptionHandler(StderrEvents::uncaught);
        Configuration config;
        try {
            // Before any command runs: a bad file or CAIRN_* variable exits 2 before any I/O.
            config = Configuration.load(args, env, workDir);
        } catch (CliException e) {
            LogSetup.configureBeforeParsing(args, env.get(ConfigKey.LOG_FORMAT.envVar()));
            StderrEvents.error(e.exitCode(), e.getMessage());
            return e.exitCode();
        }
        LogSetup.configureBeforeParsing(args, config.effective(ConfigKey.LOG_FORMAT).value());
        CommandLine cli = commandLine(config);
        return cli.execute(args);
    }

    /** Derby's log and java.util.logging (SIS) configured before either library can write anything. */
    private static void quietLibraries() {
        System.setProperty("derby.stream.error.field", Main.class.getName() + ".DERBY_LOG");
        Logging.configureJavaUtilLogging();
    }

    static CommandLine commandLine() {
        return commandLine(Configuration.builtIn());
    }

    /** The command tree with {@code config} answering the defaults of options not given as flags. */
    static CommandLine commandLine(Configuration config) {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(config);
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CliException ce) {
                StderrEvents.error(ce.exitCode(), ce.getMessage());
                return ce.exitCode();
            }
            StatusLine.STDERR.finish();
            StderrEvents.internalError(ex);
            return 1;
        });
        CommandLine.IParameterExceptionHandler picocliReport = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((ex, args) -> LogSetup.json() ? usageError(ex) : picocliReport.handleParseException(ex, args));
        cli.setExecutionStrategy(Main::configureLoggingThenRun);
        cli.setErr(new PrintWriter(System.err, true));
        return cli;
    }

    /** A command line that does not parse, as one JSON event (picocli's report is several text lines). */
    private static int usageError(CommandLine.ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        List<String> suggestions = ex instanceof CommandLine.UnmatchedArgumentException u ? u.getSuggestions() : List.of();
        int exitCode = cmd.getCommandSpec().exitCodeOnInvalidInput();
        StderrEvents.usageError(cmd.getCommandSpec().qualifiedName(), ex.getMessage(), suggestions, exitCode);
        return exitCode;
    }

    /**
     * Configures logging from the options of the command that runs (the last subcommand given,
     * whose {@link GlobalOptions} mixin holds the parsed values, config-file and environment
     * defaults included), then runs it as picocli's default strategy would.
     */
    private static int configureLoggingThenRun(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        GlobalOptions options = last.commandSpec().mixins().values().stream()
                .map(CommandLine.Model.CommandSpec::userObject)
                .filter(GlobalOptions.class::isInstance)
                .map(GlobalOptions.class::cast)
                .findFirst().orElseGet(GlobalOptions::new);
        try {
            LogSetup.configure(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(last.commandSpec().commandLine(), e.getMessage());
        }
        return new CommandLine.RunLast().execute(parseResult);
    }
}
