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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off a terminal (stderr to a file), logs are JSON lines with the structured fields and progress
 * comes as JSON events; the human summary stays on stderr and the JSON summary is the last stdout
 * line; {@code --quiet} silences progress and info logs; {@code --log-format text} gives text.
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
        List<JsonNode> events = new ArrayList<>();
        for (String line : run.stderr().split("\n")) {
            if (line.startsWith("cairn:")) {
                continue; // the human summary
            }
            events.add(JSON.readTree(line));
        }
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

        assertThat(run.stderr()).contains("cairn: job ").contains("(0 skipped)");
        JsonNode summary = JSON.readTree(run.lastStdoutLine());
        assertThat(summary.get("skipped_features").asLong()).isZero();
        assertThat(summary.get("exit_code").asInt()).isEqualTo(12);
    }

    @Test
    void quietSilencesProgressAndInfoButNotTheSummaryAndTextFormatIsText() throws Exception {
        Path in = inputs();
        CliProcess.Result quiet = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(2),
                "convert", in.toString(), "-o", work.resolve("q").toString(), "--quiet");
        assertThat(quiet.stderr()).doesNotContain("\"event\":\"progress\"").doesNotContain("\"level\":\"INFO\"")
                .contains("\"error_class\":\"format\"").contains("cairn: job ");
        CliProcess.Result text = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(2),
                "convert", in.toString(), "-o", work.resolve("t").toString(), "--log-format", "text");
        assertThat(text.stderr()).doesNotContain("{\"").containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  progress: 2/3 assets")
                .containsPattern("WARN  failed \\[format] .*broken.gpkg");
        CliProcess.Result bad = CliProcess.run(work.resolve("logs"), Duration.ofMinutes(1),
                "convert", in.toString(), "-o", work.resolve("b").toString(), "--log-format", "xml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--log-format xml: use auto, text or json.");
    }

    private Path inputs() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("a.gpkg"), List.of(new LayerSpec("a", GeometryKind.POINT, 2056, 100)), 1);
        SampleData.writeGpkg(in.resolve("b.gpkg"), List.of(new LayerSpec("b", GeometryKind.POINT, 4326, 50)), 2);
        Files.writeString(in.resolve("broken.gpkg"), "this is not a GeoPackage");
        return in;
    }
}
