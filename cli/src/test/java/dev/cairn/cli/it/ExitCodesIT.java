package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exit code of DESIGN §3, each produced by the real CLI in the situation the table names:
 * the contract an orchestrator relies on.
 */
class ExitCodesIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    static Path good;
    static Path noCrs;
    static Path textFile;
    static Path big;

    @BeforeAll
    static void inputs() throws Exception {
        good = dir.resolve("good");
        SampleData.writeGpkg(good.resolve("roads.gpkg"), List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 50)), 1);
        noCrs = dir.resolve("nocrs");
        SampleData.writeGpkg(noCrs.resolve("plain.gpkg"), List.of(new LayerSpec("plain", GeometryKind.POINT, 0, 20)), 2);
        textFile = dir.resolve("text");
        Files.createDirectories(textFile);
        Files.writeString(textFile.resolve("notes.gpkg"), "not a GeoPackage\n");
        big = dir.resolve("big");
        SampleData.writeGpkg(big.resolve("many.gpkg"), List.of(new LayerSpec("many", GeometryKind.POLYGON, 32632, 400_000)), 3);
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    private static String out(String name) {
        return dir.resolve("out-" + name).toString();
    }

    @Test
    void zeroWhenEveryAssetIsDone() throws Exception {
        assertThat(cairn("convert", good.toString(), "-o", out("ok")).exitCode()).isZero();
    }

    @Test
    void oneWhenInterruptedBySigterm() throws Exception {
        CliProcess p = CliProcess.start(dir.resolve("logs"), "convert", big.toString(), "-o", out("term"),
                "--chunk-features", "0", "--workers", "1");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!p.stderrSoFar().contains("Planned") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        p.signal("TERM");
        CliProcess.Result r = p.await(TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
        assertThat(r.event("stop_requested").get("signal").asText()).isEqualTo("SIGTERM");
        assertThat(r.event("summary").get("interrupted").asBoolean()).isTrue();
        assertThat(r.event("summary").get("exit_code").asInt()).isEqualTo(1);
        assertThat(r.event("resume_hint").get("message").asText()).contains("run the same command again");
    }

    @Test
    void twoForABadFlagAnUnknownCrsAndOptionDrift() throws Exception {
        assertThat(cairn("convert", good.toString(), "-o", out("flag"), "--no-such-flag").exitCode()).isEqualTo(2);
        CliProcess.Result crs = cairn("convert", good.toString(), "-o", out("crs"), "--to", "EPSG:999999");
        assertThat(crs.exitCode()).isEqualTo(2);
        assertThat(Path.of(out("crs"))).doesNotExist();
        assertThat(cairn("convert", good.toString(), "-o", out("drift")).exitCode()).isZero();
        CliProcess.Result drift = cairn("convert", good.toString(), "-o", out("drift"), "--to", "EPSG:3857");
        assertThat(drift.exitCode()).isEqualTo(2);
        JsonNode refused = drift.event("usage_error");
        assertThat(refused.get("message").asText()).contains("--to").contains("--fresh");
        assertThat(refused.get("exit_code").asInt()).isEqualTo(2);
        assertThat(refused.get("level").asText()).isEqualTo("ERROR");
    }

    @Test
    void tenWhenEveryFailureIsACrsProblemAndNothingSucceeded() throws Exception {
        assertThat(cairn("convert", noCrs.toString(), "-o", out("ten")).exitCode()).isEqualTo(10);
    }

    @Test
    void elevenWhenEveryFailureIsAnUnreadableFormatAndNothingSucceeded() throws Exception {
        assertThat(cairn("convert", textFile.toString(), "-o", out("eleven")).exitCode()).isEqualTo(11);
    }

    @Test
    void twelveWhenSomeAssetsAreDoneAndSomeDeadLettered() throws Exception {
        CliProcess.Result r = cairn("convert", good.toString(), textFile.toString(), noCrs.toString(),
                "-o", out("twelve"), "--json");
        assertThat(r.exitCode()).isEqualTo(12);
        assertThat(r.lastStdoutLine()).contains("\"exit_code\":12");
    }
}
