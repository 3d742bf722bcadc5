package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The CLI's own messages on stderr — the run summary, the list of failed assets, errors that end
 * the command (usage, configuration, option drift, internal), signals, warnings — written so that
 * stderr keeps one format from its first line to its last.
 *
 * <p><b>Text logs</b> ({@link LogSetup#json()} false): the plain {@code cairn: …} lines users and
 * scripts have always seen, exactly as before. <b>JSON logs</b>: each message is one event on the
 * {@value #LOGGER} logger, hence one JSON object per line from the same encoder as every other log
 * line ({@code @timestamp}, {@code level}, {@code message}), with {@code event} naming what it is
 * and the message's facts as fields; no plain line is ever mixed in, so a log collector can parse
 * every line. The {@value #LOGGER} logger is always at INFO (see {@link LogSetup}): {@code --quiet}
 * silences progress and info logs, never the summary or an error.
 *
 * <p>Before the command line is parsed (a bad configuration file, a bad flag) logging is already
 * configured from a pre-scan of the arguments ({@link LogSetup#configureBeforeParsing}), so these
 * messages also follow {@code --log-format}. Thread-safe (the logger and the print streams are).
 */
final class StderrEvents {
    /** The logger of these events; {@code logger_name} in JSON. */
    static final String LOGGER = "dev.cairn.console";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final String HELP_HINT = " (re-run with --verbose for the stack trace)";

    private StderrEvents() {
    }

    /**
     * The summary at the end of a run: {@code text} as the text line, {@code fields} (the same as
     * the {@code --json} summary on stdout) as the event's fields. INFO when every asset is done,
     * WARN otherwise (a partial or interrupted run is worth a look).
     */
    static void summary(String text, Map<String, Object> fields, int exitCode) {
        emit(exitCode == 0 ? Level.INFO : Level.WARN, "summary", text, fields);
    }

    /** One failed asset of the job, with the keys of {@code cairn failures --json}; the message is the failure's. */
    static void failure(AssetRecord failed) {
        Map<String, Object> fields = new LinkedHashMap<>(FailuresCommand.row(failed));
        String message = String.valueOf(fields.remove("message"));
        if (LogSetup.json()) {
            emit(Level.WARN, "failure", message, fields);
        } else {
            System.err.println("cairn:   failed [" + fields.get("error_class") + "] " + message);
        }
    }

    /** The failures not listed one by one after the summary. */
    static void failuresNotListed(int count) {
        if (LogSetup.json()) {
            emit(Level.WARN, "failures_not_listed", "… and " + count + " more: see 'cairn failures'",
                    Map.of("count", count));
        } else {
            System.err.println("cairn:   … and " + count + " more: see 'cairn failures'");
        }
    }

    /** After an interrupted run: how to finish the job. */
    static void resumeHint() {
        emit(Level.INFO, "resume_hint", "run the same command again (or 'cairn resume OUTDIR') to finish the job", Map.of());
    }

    /**
     * An error that ends the command with {@code exitCode} and a message the user can act on
     * (configuration, option drift, a missing job, ...). Its event is {@code usage_error} for exit 2
     * (DESIGN §3: usage or configuration error), {@code error} otherwise.
     */
    static void error(int exitCode, String message) {
        emit(Level.ERROR, exitCode == 2 ? "usage_error" : "error", message, Map.of("exit_code", exitCode));
    }

    /**
     * A command line picocli could not parse, in JSON logs: the message, the suggestions for a
     * mistyped option or command, and in {@code help} the command that shows the usage (the usage
     * text itself is many lines: it stays with {@code --help}). Text logs keep picocli's own report.
     */
    static void usageError(String command, String message, List<String> suggestions, int exitCode) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("command", command);
        if (!suggestions.isEmpty()) {
            fields.put("suggestions", suggestions);
        }
        fields.put("help", command + " --help");
        fields.put("exit_code", exitCode);
        emit(Level.ERROR, "usage_error", message, fields);
    }

    /** An exception no part of cairn expected: exit 1; the stack trace only with {@code --verbose}. */
    static void internalError(Throwable ex) {
        if (!LogSetup.json()) {
            System.err.println("cairn: internal error: " + ex + (LogSetup.verbose() ? "" : HELP_HINT));
            if (LogSetup.verbose()) {
                ex.printStackTrace(System.err);
            }
            return;
        }
        LoggingEventBuilder e = event(Level.ERROR, "internal_error", Map.of(
                "error_class", "internal", "exception", ex.getClass().getName(), "exit_code", 1));
        if (LogSetup.verbose()) {
            e = e.setCause(ex);
        }
        e.log("internal error: " + ex + (LogSetup.verbose() ? "" : HELP_HINT));
    }

    /**
     * An exception that escaped a thread (the default uncaught-exception handler). Text logs print
     * what the JVM would; JSON logs one event, with the stack trace in its {@code stack_trace} field.
     */
    static void uncaught(Thread thread, Throwable ex) {
        if (!LogSetup.json()) {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            ex.printStackTrace(System.err);
            return;
        }
        event(Level.ERROR, "uncaught_exception", Map.of("thread", thread.getName(), "exception", ex.getClass().getName()))
                .setCause(ex)
                .log("uncaught exception in thread " + thread.getName() + ": " + ex);
    }

    /** SIGINT/SIGTERM received; {@code again} when it is the second one (the process halts). */
    static void signal(String name, boolean again) {
        String text = again
                ? "received SIG" + name + " again: aborting now; run the same command again to resume"
                : "received SIG" + name + ": finishing or rolling back the assets in flight, then stopping"
                        + " (send it again to abort at once)";
        if (LogSetup.json()) {
            emit(Level.WARN, again ? "abort" : "stop_requested", text, Map.of("signal", "SIG" + name));
        } else {
            StatusLine.STDERR.println("cairn: " + text); // above the progress bar, if one is shown
        }
    }

    /** A problem that does not change the exit code, e.g. a temp file {@code verify --repair} could not delete. */
    static void warning(String event, String text, Map<String, Object> fields) {
        emit(Level.WARN, event, text, fields);
    }

    private static void emit(Level level, String event, String text, Map<String, Object> fields) {
        if (LogSetup.json()) {
            event(level, event, fields).log(text);
        } else {
            System.err.println("cairn: " + text);
        }
    }

    private static LoggingEventBuilder event(Level level, String event, Map<String, Object> fields) {
        LoggingEventBuilder e = log.atLevel(level).addKeyValue("event", event);
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            e = e.addKeyValue(f.getKey(), f.getValue());
        }
        return e;
    }
}
