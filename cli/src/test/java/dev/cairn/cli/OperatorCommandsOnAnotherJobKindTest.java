package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.linecount.LineCountJobType;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.JobTypes;
import dev.cairn.store.sqlite.SqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job kind other than {@code convert} — {@link LineCountJobType}, one test package plus one
 * services line — is run and operated by the unchanged commands: {@code resume} runs it,
 * {@code status} shows it, {@code verify} knows its outputs from its layout, {@code reset}
 * and {@code retry-failures} work on it. Nothing in the CLI or the engine names it.
 */
class OperatorCommandsOnAnotherJobKindTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String stdout, String stderr) {
    }

    private Run cairn(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute(Map.of(), dir, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void resumeStatusVerifyAndResetWorkOnAJobKindTheCliDoesNotName() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.txt"), "one\ntwo\nthree\n");
        Files.writeString(in.resolve("b.txt"), "alpha\nbeta\n");
        Path out = dir.resolve("out");
        JobSpec spec = LineCountJobType.spec(in, out);
        try (SqliteStore store = SqliteStore.open(out.resolve(".cairn/checkpoint.db"))) {
            spec.resumeOrStart(store, false, out.toString());
            store.plan(JobTypes.load().open(spec).plan());
        }

        Run resumed = cairn("resume", out.toString(), "--json", "--log-format", "json");
        assertThat(resumed.exit()).as("stderr:%n%s", resumed.stderr()).isZero();
        JsonNode summary = JSON.readTree(lastLine(resumed.stdout()));
        assertThat(summary.get("unit").asText()).isEqualTo("lines");
        assertThat(summary.get("features").asLong()).as("the count of items, in the job's unit").isEqualTo(5);
        assertThat(Files.readString(out.resolve("a.txt.count"))).isEqualTo("3\n");
        assertThat(Files.readString(out.resolve("b.txt.count"))).isEqualTo("2\n");

        JsonNode status = JSON.readTree(lastLine(cairn("status", out.toString(), "--json").stdout()));
        assertThat(status.get("kind").asText()).isEqualTo("line-count");
        assertThat(status.get("counts").get("done").asInt()).isEqualTo(2);

        assertThat(cairn("verify", out.toString()).exit()).as("its outputs are consistent").isZero();
        Files.writeString(out.resolve("stray.count"), "9\n");
        Files.writeString(out.resolve("notes.md"), "not of this job's kind\n");
        JsonNode report = JSON.readTree(lastLine(cairn("verify", out.toString(), "--json").stdout()));
        assertThat(report.get("problems")).hasSize(1);
        assertThat(report.get("problems").get(0).get("kind").asText()).isEqualTo("extra");
        assertThat(report.get("problems").get(0).get("path").asText()).endsWith("stray.count");
        Files.delete(out.resolve("stray.count"));

        Files.writeString(out.resolve("a.txt.count"), "changed\n");
        assertThat(cairn("verify", out.toString(), "--repair").exit()).isEqualTo(12);
        assertThat(cairn("resume", out.toString()).exit()).isZero();
        assertThat(Files.readString(out.resolve("a.txt.count"))).as("redone after the repair").isEqualTo("3\n");

        assertThat(cairn("reset", out.toString(), "--all").exit()).isZero();
        assertThat(cairn("retry-failures", out.toString()).exit()).as("runs the pending assets of the job").isZero();
        assertThat(cairn("verify", out.toString()).exit()).isZero();
    }

    @Test
    void aCheckpointOfAKindThisBuildDoesNotHaveIsAUsageErrorNamingTheKinds() throws Exception {
        Path out = dir.resolve("out");
        try (SqliteStore store = SqliteStore.open(out.resolve(".cairn/checkpoint.db"))) {
            new JobSpec("hillshade", Map.of("-o", out.toString())).resumeOrStart(store, false, out.toString());
        }
        Run resumed = cairn("resume", out.toString());
        assertThat(resumed.exit()).isEqualTo(2);
        assertThat(resumed.stderr()).contains("records a 'hillshade' job, which this version of cairn cannot run")
                .contains("convert").contains("warp").contains("line-count");
    }
}
