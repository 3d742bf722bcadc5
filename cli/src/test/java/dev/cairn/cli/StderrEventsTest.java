package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The messages of {@link StderrEvents} and the records of java.util.logging, in both log formats:
 * one JSON object per line with JSON logs, the plain {@code cairn:} lines with text logs.
 */
class StderrEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
        logFormat("auto", false);
    }

    @Test
    void javaUtilLoggingRecordsBecomeJsonLinesLikeEveryOtherLine() throws Exception {
        logFormat("json", false);
        Logging.configureJavaUtilLogging();
        java.util.logging.Logger.getLogger("org.apache.sis.storage").severe("the EPSG database is damaged");
        java.util.logging.Logger.getLogger("org.apache.sis.storage").info("a start-up notice");

        JsonNode record = single(stderrLines());
        assertThat(record.get("message").asText()).isEqualTo("the EPSG database is damaged");
        assertThat(record.get("level").asText()).isEqualTo("ERROR");
        assertThat(record.get("logger_name").asText()).isEqualTo("org.apache.sis.storage");
    }

    @Test
    void anUncaughtExceptionIsOneJsonEventWithItsStackTraceInAField() throws Exception {
        logFormat("json", false);
        StderrEvents.uncaught(new Thread("cairn-worker-7"), new IllegalStateException("lost the plot"));

        JsonNode event = single(stderrLines());
        assertThat(event.get("event").asText()).isEqualTo("uncaught_exception");
        assertThat(event.get("thread").asText()).isEqualTo("cairn-worker-7");
        assertThat(event.get("level").asText()).isEqualTo("ERROR");
        assertThat(event.get("stack_trace").asText()).contains("IllegalStateException: lost the plot")
                .contains("anUncaughtExceptionIsOneJsonEventWithItsStackTraceInAField");
    }

    @Test
    void anInternalErrorShowsItsStackTraceOnlyWithVerbose() throws Exception {
        logFormat("json", false);
        StderrEvents.internalError(new NullPointerException("no layer"));
        JsonNode quiet = single(stderrLines());
        assertThat(quiet.get("event").asText()).isEqualTo("internal_error");
        assertThat(quiet.get("exit_code").asInt()).isEqualTo(1);
        assertThat(quiet.get("message").asText()).contains("no layer").endsWith("(re-run with --verbose for the stack trace)");
        assertThat(quiet.has("stack_trace")).isFalse();

        err.reset();
        logFormat("json", true);
        StderrEvents.internalError(new NullPointerException("no layer"));
        assertThat(single(stderrLines()).get("stack_trace").asText()).contains("NullPointerException: no layer");
    }

    @Test
    void quietSilencesInfoLogsButNotTheSummary() throws Exception {
        GlobalOptions options = new GlobalOptions();
        options.logFormat = "json";
        options.quiet = true;
        captureStderr();
        LogSetup.configure(options);
        LoggerFactory.getLogger("dev.cairn.run").info("done a.gpkg");
        StderrEvents.summary("job j finished", Map.of("exit_code", 0), 0);

        JsonNode summary = single(stderrLines());
        assertThat(summary.get("event").asText()).isEqualTo("summary");
        assertThat(summary.get("level").asText()).isEqualTo("INFO");
        assertThat(summary.get("exit_code").asInt()).isZero();
    }

    @Test
    void textLogsKeepThePlainCairnLines() {
        logFormat("text", false);
        StderrEvents.error(2, "Cannot resume: OUTDIR holds another job.");
        StderrEvents.failuresNotListed(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cairn: Cannot resume: OUTDIR holds another job.\n"
                + "cairn:   … and 3 more: see 'cairn failures'\n");
    }

    private void logFormat(String format, boolean verbose) {
        GlobalOptions options = new GlobalOptions();
        options.logFormat = format;
        options.verbose = verbose;
        if (!format.equals("auto")) {
            captureStderr();
        }
        LogSetup.configure(options);
    }

    private void captureStderr() {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> stderrLines() {
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return List.of(text.split("\n"));
    }

    private static JsonNode single(List<String> lines) throws Exception {
        assertThat(lines).hasSize(1);
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("one JSON object: %s", line).isTrue();
            parsed.add(node);
        }
        return parsed.get(0);
    }
}
