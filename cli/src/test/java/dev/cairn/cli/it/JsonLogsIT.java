package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * With stderr not a terminal (here: a file, as under Kubernetes or a pipe into a log collector)
 * every line cairn writes to stderr is one JSON object, whatever the command and however it ends:
 * conversions that succeed and fail, the summary and the list of failures, usage errors from the
 * parser and from the configuration, option drift, an unknown CRS, and the operator commands. A
 * collector never meets a line it cannot parse.
 */
class JsonLogsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path work;

    private final List<CliProcess.Result> runs = new ArrayList<>();

    @Test
    void everyStderrLineIsOneJsonObjectWhenStderrIsNotATerminal() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("good.gpkg"), List.of(new LayerSpec("good", GeometryKind.POINT, 2056, 40)), 7);
        SampleData.writeGpkg(in.resolve("no_crs.gpkg"), List.of(new LayerSpec("plain", GeometryKind.POINT, 0, 10)), 8);
        Files.writeString(in.resolve("broken.gpkg"), "this is not a GeoPackage");
        String out = work.resolve("out").toString();

        CliProcess.Result partial = cairn(12, "convert", in.toString(), "-o", out, "--json");
        JsonNode summary = partial.event("summary");
        assertThat(summary.get("exit_code").asInt()).isEqualTo(12);
        assertThat(summary.get("counts").get("done").asInt()).isEqualTo(1);
        assertThat(summary.get("counts").get("failed").asInt()).isEqualTo(2);
        assertThat(summary.get("features").asLong()).isEqualTo(40);
        assertThat(summary.get("unit").asText()).isEqualTo("features");
        assertThat(partial.events("failure")).extracting(f -> f.get("error_class").asText() + " " + f.get("asset").asText())
                .containsExactlyInAnyOrder("format broken.gpkg", "crs no_crs.gpkg");
        assertThat(partial.events("asset_done")).hasSize(1);

        usageError(cairn(2, "convert", in.toString(), "-o", out, "--no-such-flag"), "--no-such-flag");
        assertThat(usageError(cairn(2, "conver", in.toString()), "conver").get("suggestions").toString()).contains("convert");
        usageError(cairn(2), "Missing command");
        usageError(cairn(2, "convert", in.toString(), "-o", out, "--config", work.resolve("missing.yaml").toString()),
                "configuration file not found");
        usageError(cairn(2, "convert", in.toString(), "-o", out, "--to", "EPSG:3857"), "--fresh");
        usageError(cairn(2, "convert", in.toString(), "-o", work.resolve("never").toString(), "--to", "EPSG:999999"), "999999");

        assertThat(cairn(12, "resume", out).event("summary").get("done_this_run").asInt()).isZero();
        cairn(0, "verify", out);
        cairn(0, "verify", out, "--json", "--repair");
        cairn(0, "failures", out);
        cairn(0, "status", out, "--json");
        assertThat(cairn(12, "retry-failures", out).events("asset_failed")).hasSize(2);
        cairn(0, "reset", out, "--failed");
        cairn(12, "resume", out, "--quiet", "--log-format", "json");
        cairn(0, "config", "--show");

        for (CliProcess.Result run : runs) {
            for (JsonNode e : run.stderrEvents()) {
                assertThat(e.hasNonNull("@timestamp") && e.hasNonNull("level") && e.hasNonNull("message"))
                        .as("timestamp, level and message in %s", e).isTrue();
                if (e.path("logger_name").asText().equals("dev.cairn.console")) {
                    assertThat(e.hasNonNull("event")).as("cairn's own messages name their event: %s", e).isTrue();
                }
                assertThat(e.has("stack_trace")).as("no stack trace without --verbose: %s", e).isFalse();
            }
        }
    }

    /** Runs cairn, checks its exit code and that every stderr line parses as one JSON object. */
    private CliProcess.Result cairn(int exitCode, String... args) throws Exception {
        CliProcess.Result run = CliProcess.run(work.resolve("logs"), TIMEOUT, args);
        assertThat(run.exitCode()).as("cairn %s; stderr:%n%s", String.join(" ", args), run.stderr()).isEqualTo(exitCode);
        run.stderrEvents(); // fails on the first line that is not a JSON object
        runs.add(run);
        return run;
    }

    /** The run's one usage error event: exit 2, level ERROR, a message with {@code text}. */
    private static JsonNode usageError(CliProcess.Result run, String text) {
        JsonNode e = run.event("usage_error");
        assertThat(e.get("message").asText()).contains(text);
        assertThat(e.get("level").asText()).isEqualTo("ERROR");
        assertThat(e.get("exit_code").asInt()).isEqualTo(2);
        assertThat(run.stderrEvents()).as("the error is all of stderr").hasSize(1);
        return e;
    }
}
