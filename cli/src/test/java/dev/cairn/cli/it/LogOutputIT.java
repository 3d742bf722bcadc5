package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off a terminal (stderr to a file), logs are JSON lines with the structured fields and progress
 * comes as JSON events; the summary and the failed assets are JSON events too, and the JSON
 * summary is the last stdout line; {@code --quiet} silences progress and info logs but not the
 * summary; {@code --log-format text} gives text, the {@code cairn:} summary lines included.
 */
class LogOutputIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void offTerminalLogsAndProgressAreJsonLinesWithTheirFields() throws Exception {
        Path in = inputs();
        CliProcess.Result run = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(2),
                "convert", in.toString(), "-o", work.resolve("out").toString(), "--json", "--workers", "2");
        assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isEqualTo(12);
        List<JsonNode> events = run.stderrEvents();
        assertThat(events).allSatisfy(e -> assertThat(e.has("stack_trace")).as("no stack trace: %s", e).isFalse());
        List<JsonNode> progress = events.stream().filter(e -> "progress".equals(e.path("event").asText())).toList();
        assertThat(progress).isNotEmpty();
        JsonNode last = progress.get(progress.size() - 1);
        assertThat(last.get("assets_done").asLong()).isEqualTo(2);
        assertThat(last.get("assets_failed").asLong()).isEqualTo(1);
        assertThat(last.get("assets_total").asLong()).isEqualTo(3);
        assertThat(last.get("features_done").asLong()).isEqualTo(150);
        assertThat(last.get("features_total").asLong()).isEqualTo(150);
        assertThat(last.has("features_per_second")).isTrue();
        assertThat(last.get("eta_seconds").asLong()).isZero();

        JsonNode done = events.stream().filter(e -> e.path("message").asText().startsWith("done a.gpkg")).findFirst().orElseThrow();
        assertThat(done.get("job").asText()).isNotBlank();
        assertThat(done.get("asset").asText()).isEqualTo("a.gpkg");
        assertThat(done.get("worker").asText()).contains(":").contains("/cairn-worker-");
        assertThat(done.get("duration_ms").isNumber()).isTrue();
        assertThat(done.has("chunk_offset")).as("whole-file assets have no chunk offset").isFalse();
        JsonNode failed = events.stream().filter(e -> "broken.gpkg".equals(e.path("asset").asText())).findFirst().orElseThrow();
        assertThat(failed.get("error_class").asText()).isEqualTo("format");
        assertThat(failed.get("level").asText()).isEqualTo("WARN");

        JsonNode summary = JSON.readTree(run.lastStdoutLine());
        assertThat(summary.get("skipped_features").asLong()).isZero();
        assertThat(summary.get("exit_code").asInt()).isEqualTo(12);

        // the summary on stderr is an event with the fields of the --json summary, then the failed assets
        JsonNode stderrSummary = run.event("summary");
        assertThat(stderrSummary.get("level").asText()).isEqualTo("WARN");
        assertThat(stderrSummary.has("@timestamp")).isTrue();
        assertThat(stderrSummary.get("message").asText()).startsWith("job ").contains("(0 skipped)").endsWith("exit 12");
        for (String key : List.of("job", "exit_code", "counts", "failures_by_class", "features", "unit",
                "skipped_features", "duration_ms", "done_this_run", "failed_this_run")) {
            assertThat(stderrSummary.get(key)).as("summary field %s", key).isEqualTo(summary.get(key));
        }
        assertThat(stderrSummary.get("counts").get("done").asInt()).isEqualTo(2);
        JsonNode failure = run.event("failure");
        assertThat(failure.get("asset").asText()).isEqualTo("broken.gpkg");
        assertThat(failure.get("input").asText()).isEqualTo(work.resolve("in").resolve("broken.gpkg").toString());
        assertThat(failure.get("error_class").asText()).isEqualTo("format");
        assertThat(failure.get("message").asText()).contains("broken.gpkg").contains("not a GeoPackage");
        assertThat(events.indexOf(failure)).as("failures are listed after the summary").isGreaterThan(events.indexOf(stderrSummary));
    }

    @Test
    void quietSilencesProgressAndInfoButNotTheSummaryAndTextFormatIsText() throws Exception {
        Path in = inputs();
        CliProcess.Result quiet = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(2),
                "convert", in.toString(), "-o", work.resolve("q").toString(), "--quiet");
        List<JsonNode> quietEvents = quiet.stderrEvents();
        assertThat(quietEvents).noneMatch(e -> e.path("event").asText().equals("progress"))
                .noneMatch(e -> e.path("level").asText().equals("INFO"))
                .anyMatch(e -> e.path("error_class").asText().equals("format"));
        assertThat(quiet.event("summary").get("exit_code").asInt()).as("the summary stays with --quiet").isEqualTo(12);
        CliProcess.Result text = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(2),
                "convert", in.toString(), "-o", work.resolve("t").toString(), "--log-format", "text");
        assertThat(text.stderr()).doesNotContain("{\"").containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  progress: 2/3 assets")
                .containsPattern("WARN  failed \\[format] .*broken.gpkg")
                .containsPattern("(?m)^cairn: job \\w+ finished: 2 done, 1 failed, 0 pending .*; exit 12$")
                .containsPattern("(?m)^cairn:   failed \\[format] .*broken.gpkg: not a GeoPackage");
        CliProcess.Result bad = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(1),
                "convert", in.toString(), "-o", work.resolve("b").toString(), "--log-format", "xml");
        assertThat(bad.exitCode()).isEqualTo(2);
        JsonNode refused = bad.event("usage_error");
        assertThat(refused.get("message").asText()).isEqualTo("--log-format xml: use auto, text or json.");
        assertThat(refused.get("help").asText()).isEqualTo("cairn convert --help");
        assertThat(refused.get("exit_code").asInt()).isEqualTo(2);
    }

    private Path inputs() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("a.gpkg"), List.of(new LayerSpec("a", GeometryKind.POINT, 2056, 100)), 1);
        SampleData.writeGpkg(in.resolve("b.gpkg"), List.of(new LayerSpec("b", GeometryKind.POINT, 4326, 50)), 2);
        Files.writeString(in.resolve("broken.gpkg"), "this is not a GeoPackage");
        return in;
    }
}
