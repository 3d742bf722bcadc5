package dev.cairn.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the command's {@link GlobalOptions}, after parsing and before the
 * command runs. Logs always go to stderr (stdout is reserved for results and the JSON summary).
 *
 * <ul>
 *   <li><b>Format.</b> {@code --log-format text}: {@code HH:mm:ss.SSS LEVEL message}.
 *       {@code json}: one JSON object per line (logstash encoder) with the MDC ({@code job},
 *       {@code worker}, {@code asset}) and the key-value pairs of the event ({@code duration_ms},
 *       {@code error_class}, {@code chunk_offset}, ...). {@code auto} (default): text when stderr
 *       is a terminal, JSON otherwise.</li>
 *   <li><b>Level.</b> cairn's own loggers at INFO; {@code --quiet} WARN; {@code --verbose} DEBUG,
 *       which also turns on stack traces (they are logged at DEBUG only). Other libraries at WARN
 *       (java.util.logging, used by SIS, Derby and the GeoPackage library, is bridged to SLF4J by
 *       {@link Logging}, so its records take this format too). The summary and errors
 *       ({@link StderrEvents}) at INFO whatever the options.</li>
 *   <li><b>Progress.</b> A bar when stderr is a terminal and the format is text and not quiet;
 *       JSON progress events when not quiet otherwise (see {@link ProgressReporter}).</li>
 * </ul>
 *
 * <p><b>Is stderr a terminal?</b> Java 17 only tells whether stdin and stdout are
 * ({@code System.console()}). On Linux the rule is: {@code /proc/self/fd/2} is a link to
 * {@code /dev/pts/*} or {@code /dev/tty*}. Where {@code /proc} is absent (macOS) it falls back to
 * {@code System.console() != null}, i.e. it assumes stderr goes where stdin/stdout go.
 * {@code TERM=dumb} counts as no terminal (no carriage-return redraws there).
 */
final class LogSetup {
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %msg%n";

    /** How progress is shown. */
    enum ProgressMode { BAR, EVENTS, OFF }

    private static volatile boolean verbose;
    private static volatile boolean json;
    private static volatile ProgressMode progressMode = ProgressMode.OFF;

    private LogSetup() {
    }

    /** Configures logging for a command; an unknown {@code --log-format} is a usage error. */
    static void configure(GlobalOptions options) {
        boolean terminal = stderrIsTerminal();
        boolean json = switch (options.logFormat == null ? "auto" : options.logFormat.toLowerCase(Locale.ROOT)) {
            case "auto" -> !terminal;
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("--log-format " + options.logFormat + ": use auto, text or json.");
        };
        verbose = options.verbose;
        LogSetup.json = json;
        progressMode = options.quiet ? ProgressMode.OFF : terminal && !json ? ProgressMode.BAR : ProgressMode.EVENTS;

        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Appender<ILoggingEvent> appender;
        if (json) {
            appender = console(ctx, jsonEncoder(ctx));
        } else if (terminal) {
            appender = new StatusLineAppender(StatusLine.STDERR, textEncoder(ctx));
        } else {
            appender = console(ctx, textEncoder(ctx));
        }
        appender.setContext(ctx);
        appender.setName("STDERR");
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        ctx.getLogger("dev.cairn").setLevel(options.verbose ? Level.DEBUG : options.quiet ? Level.WARN : defaultLevel());
        ctx.getLogger(StderrEvents.LOGGER).setLevel(Level.INFO); // the summary and errors, whatever --quiet says
    }

    /**
     * Configures logging before picocli parses the command line, so that whatever is printed
     * before the command runs (a bad configuration file, a bad flag) already has the right format:
     * {@code --log-format} from a pre-scan of {@code args}, else {@code configured} (the file or
     * the environment, null if unknown). A format that is not valid is {@code auto} here; picocli
     * reports it once the command line is parsed. {@link #configure} runs again with every option.
     */
    static void configureBeforeParsing(String[] args, String configured) {
        GlobalOptions options = new GlobalOptions();
        options.logFormat = Configuration.flagValue(args, "--log-format").orElse(configured);
        try {
            configure(options);
        } catch (IllegalArgumentException notAFormat) {
            options.logFormat = "auto";
            configure(options);
        }
    }

    /** Whether log lines are JSON objects: then every line on stderr must be one (see {@link StderrEvents}). */
    static boolean json() {
        return json;
    }

    /** Whether {@code --verbose} was given: stack traces are shown. */
    static boolean verbose() {
        return verbose;
    }

    static ProgressMode progressMode() {
        return progressMode;
    }

    /** The rule of the class comment. */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException noProc) {
            return System.console() != null;
        }
    }

    private static Level defaultLevel() {
        String env = System.getenv("CAIRN_LOG_LEVEL");
        return env == null || env.isBlank() ? Level.INFO : Level.toLevel(env, Level.INFO);
    }

    private static Appender<ILoggingEvent> console(LoggerContext ctx, Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
        a.setTarget("System.err");
        a.setEncoder(encoder);
        return a;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(TEXT_PATTERN);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        LogstashEncoder e = new LogstashEncoder();
        e.setContext(ctx);
        e.getFieldNames().setVersion("[ignore]");
        e.getFieldNames().setLevelValue("[ignore]");
        e.start();
        return e;
    }
}
