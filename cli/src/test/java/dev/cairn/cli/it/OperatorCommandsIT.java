package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands through the real CLI, as a new user would try them: {@code verify} after
 * deleting or corrupting outputs (and its repair, which {@code resume} completes), {@code status}
 * while a run is going on and after it, {@code failures} grouped by class, {@code reset}.
 */
class OperatorCommandsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 777;

    @TempDir
    Path work;

    @Test
    void verifyFindsMissingCorruptedExtraAndTempFilesAndRepairPlusResumeRestoresConsistency() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("points.gpkg"), List.of(new LayerSpec("points", GeometryKind.POINT, 2056, 60)), SEED);
        SampleData.writeGpkg(in.resolve("sub").resolve("lines.gpkg"),
                List.of(new LayerSpec("lines", GeometryKind.LINESTRING, 2056, 40)), SEED + 1);
        SampleData.writeGpkg(in.resolve("polygons.gpkg"), List.of(new LayerSpec("polygons", GeometryKind.POLYGON, 2056, 30)), SEED + 2);
        Files.write(in.resolve("empty.gpkg"), new byte[0]);
        Files.writeString(in.resolve("readme.gpkg"), "not a GeoPackage\n", StandardCharsets.UTF_8);
        SampleData.writeGpkg(in.resolve("no_crs.gpkg"), List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 0, 10)), SEED + 3);
        Path out = work.resolve("out");

        assertThat(cairn("convert", in.toString(), "-o", out.toString(), "--workers", "2").exitCode()).isEqualTo(12);
        CliProcess.Result clean = cairn("verify", out.toString());
        assertThat(clean.exitCode()).as("fresh output is consistent; stdout:%n%s", clean.stdout()).isZero();
        assertThat(clean.stdout()).contains("consistent");

        // failures: grouped by class with counts and examples
        JsonNode failures = JSON.readTree(cairn("failures", out.toString(), "--json").lastStdoutLine());
        assertThat(failures.get("count").asInt()).isEqualTo(3);
        assertThat(failures.get("by_class").get("format").get("count").asInt()).isEqualTo(2);
        assertThat(failures.get("by_class").get("format").get("examples")).hasSize(2);
        assertThat(failures.get("by_class").get("crs").get("count").asInt()).isEqualTo(1);
        assertThat(failures.get("by_class").get("crs").get("examples").get(0).get("asset").asText()).isEqualTo("no_crs.gpkg");
        assertThat(failures.get("failures")).hasSize(3);
        CliProcess.Result text = cairn("failures", out.toString(), "--examples", "1");
        assertThat(text.stdout()).contains("format: 2 asset(s)").contains("crs: 1 asset(s)").contains("… and 1 more");

        // break the output directory the ways a user or a disk would
        Files.delete(out.resolve("points.gpkg"));
        Path corrupted = out.resolve("sub").resolve("lines.gpkg");
        Files.write(corrupted, new byte[]{42}, StandardOpenOption.APPEND);
        Path temp = out.resolve("sub").resolve(".lines.gpkg.7.cairn-tmp");
        Files.write(temp, new byte[]{1, 2, 3});
        Path staging = out.resolve(".polygons.gpkg.0badc0de.cairn-stage");
        Files.write(staging, new byte[]{4, 5, 6});
        Path extra = out.resolve("stranger.gpkg");
        Files.copy(out.resolve("polygons.gpkg"), extra);

        CliProcess.Result broken = cairn("verify", out.toString());
        assertThat(broken.exitCode()).as("stdout:%n%s", broken.stdout()).isEqualTo(12);
        assertThat(broken.stdout())
                .containsPattern("missing +points\\.gpkg .*points\\.gpkg")
                .containsPattern("checksum +sub/lines\\.gpkg .*lines\\.gpkg")
                .containsPattern("temp +sub/lines\\.gpkg .*\\.lines\\.gpkg\\.7\\.cairn-tmp")
                .containsPattern("extra +- .*stranger\\.gpkg")
                .containsPattern("staging +polygons\\.gpkg .*\\.polygons\\.gpkg\\.0badc0de\\.cairn-stage");
        JsonNode report = JSON.readTree(cairn("verify", out.toString(), "--json").lastStdoutLine());
        assertThat(report.get("consistent").asBoolean()).isFalse();
        assertThat(report.get("counts").toString()).isEqualTo("{\"missing\":1,\"checksum\":1,\"extra\":1,\"temp\":1,\"staging\":1}");
        assertThat(kinds(report)).containsExactlyInAnyOrder("missing", "checksum", "extra", "temp", "staging");
        assertThat(temp).as("verify without --repair changes nothing").exists();

        CliProcess.Result repair = cairn("verify", out.toString(), "--repair");
        assertThat(repair.exitCode()).as("problems were found; stdout:%n%s", repair.stdout()).isEqualTo(12);
        assertThat(repair.stdout()).contains("2 asset(s) put back to pending").contains("2 temp or staging file(s) removed")
                .contains("not deleted: 1 extra file(s)");
        assertThat(temp).doesNotExist();
        assertThat(staging).doesNotExist();
        assertThat(extra).as("extra files are never deleted").exists();
        JsonNode afterRepair = JSON.readTree(cairn("verify", out.toString(), "--json").lastStdoutLine());
        assertThat(kinds(afterRepair)).containsExactly("extra");
        JsonNode status = statusJson(out);
        assertThat(status.get("counts").get("pending").asInt()).isEqualTo(2);

        CliProcess.Result resumed = cairn("resume", out.toString(), "--json");
        assertThat(resumed.exitCode()).as("stderr:%n%s", resumed.stderr()).isEqualTo(12);
        assertThat(JSON.readTree(resumed.lastStdoutLine()).get("done_this_run").asInt()).isEqualTo(2);
        assertThat(out.resolve("points.gpkg")).exists();
        assertThat(cairn("verify", out.toString()).exitCode()).as("only the extra file is left").isEqualTo(12);
        Files.delete(extra);
        CliProcess.Result consistent = cairn("verify", out.toString(), "--json");
        assertThat(consistent.exitCode()).as("stdout:%n%s", consistent.stdout()).isZero();
        assertThat(JSON.readTree(consistent.lastStdoutLine()).get("consistent").asBoolean()).isTrue();

        // reset --failed, then --all; exactly one of them is required
        assertThat(cairn("reset", out.toString()).exitCode()).isEqualTo(2);
        assertThat(cairn("reset", out.toString(), "--failed", "--all").exitCode()).isEqualTo(2);
        CliProcess.Result resetFailed = cairn("reset", out.toString(), "--failed");
        assertThat(resetFailed.exitCode()).isZero();
        assertThat(resetFailed.stdout()).contains("reset 3 failed asset(s)");
        assertThat(statusJson(out).get("counts").get("failed").asInt()).isZero();
        assertThat(statusJson(out).get("counts").get("pending").asInt()).isEqualTo(3);
        CliProcess.Result resetAll = cairn("reset", out.toString(), "--all");
        assertThat(resetAll.stdout()).contains("reset 3 asset(s)");
        JsonNode allPending = statusJson(out).get("counts");
        assertThat(allPending.get("pending").asInt()).isEqualTo(6);
        assertThat(allPending.get("done").asInt()).isZero();
        assertThat(out.resolve("points.gpkg")).as("outputs stay until the next run overwrites them").exists();
        assertThat(cairn("verify", work.resolve("nowhere").toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void statusDuringARunShowsRunningClaimsWithWorkerAndLeaseAndAfterItTheTotals() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("huge.gpkg"), List.of(new LayerSpec("addresses", GeometryKind.POINT, 2056, 300_000)), SEED);
        for (int i = 0; i < 4; i++) {
            SampleData.writeGpkg(in.resolve("small_" + i + ".gpkg"), List.of(new LayerSpec("s", GeometryKind.POINT, 2056, 50)), SEED + i);
        }
        Path out = work.resolve("out");
        CliProcess run = CliProcess.start(work.resolve("logs"), "convert", in.toString(), "-o", out.toString(),
                "--workers", "2", "--json");
        JsonNode during = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline) && run.process().isAlive()) {
            if (Files.exists(out.resolve(".cairn").resolve("checkpoint.db"))) {
                CliProcess.Result s = cairn("status", out.toString(), "--json");
                if (s.exitCode() == 0) {
                    JsonNode status = JSON.readTree(s.lastStdoutLine());
                    if (status.get("counts").get("running").asInt() > 0) {
                        during = status;
                        break;
                    }
                }
            }
            Thread.sleep(200);
        }
        assertThat(during).as("status saw the run with running claims; run stderr:%n%s", run.stderrSoFar()).isNotNull();
        assertThat(during.get("job").asText()).hasSize(16);
        assertThat(during.get("fingerprint").asText()).hasSize(64).startsWith(during.get("job").asText());
        assertThat(during.get("options").get("--to").asText()).isEqualTo("EPSG:4326");
        JsonNode claim = during.get("running").get(0);
        assertThat(claim.get("worker").asText()).contains(":" + run.pid() + ":");
        assertThat(claim.get("attempt").asInt()).isEqualTo(1);
        assertThat(claim.get("lease_expired").asBoolean()).isFalse();
        assertThat(claim.get("lease_expires_in_seconds").asLong()).isPositive();
        assertThat(Instant.parse(claim.get("lease_until").asText())).isAfter(Instant.parse(during.get("now").asText()));
        assertThat(claim.get("claimed_at").asText()).isNotEmpty();
        assertThat(during.get("last_checkpoint").asText()).isNotEmpty();
        CliProcess.Result text = cairn("status", out.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.stdout()).contains("job " + during.get("job").asText()).contains("last checkpoint");
        CliProcess.Result verifyDuring = cairn("verify", out.toString());
        assertThat(verifyDuring.exitCode()).as("the live run's temp files are not leftovers; stdout:%n%s",
                verifyDuring.stdout()).isZero();

        CliProcess.Result finished = run.await(TIMEOUT);
        assertThat(finished.exitCode()).as("stderr:%n%s", finished.stderr()).isZero();
        JsonNode after = statusJson(out);
        assertThat(after.get("counts").get("done").asInt()).isEqualTo(after.get("counts").get("total").asInt());
        assertThat(after.get("counts").get("failed").asInt()).isZero();
        assertThat(after.get("counts").get("running").asInt()).isZero();
        assertThat(after.get("running")).isEmpty();
        assertThat(after.get("features_done").asLong()).isEqualTo(300_200);
        assertThat(after.get("eta_seconds").isNull()).as("no ETA without a run").isTrue();
        assertThat(Instant.parse(after.get("last_checkpoint").asText()))
                .isAfterOrEqualTo(Instant.parse(during.get("last_checkpoint").asText()));
        assertThat(cairn("verify", out.toString()).exitCode()).isZero();
    }

    @Test
    void verifyKnowsTheOutputsOfEveryFormatFromTheJobsLayoutAndReportsStrayOnes() throws Exception {
        Path in = work.resolve("in");
        SampleData.writeGpkg(in.resolve("points.gpkg"), List.of(new LayerSpec("points", GeometryKind.POINT, 2056, 20)), SEED);

        // --format geojsonseq writes .geojsons files: a stray one is an extra, the job's own is not
        Path seq = work.resolve("seq");
        assertThat(cairn("convert", in.toString(), "-o", seq.toString(), "--format", "geojsonseq").exitCode()).isZero();
        assertThat(seq.resolve("points.geojsons")).exists();
        assertThat(cairn("verify", seq.toString()).exitCode()).as("the job's own .geojsons output is no extra").isZero();
        Path straySeq = seq.resolve("stray.geojsons");
        Files.writeString(straySeq, "\u001e{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}\n");
        JsonNode seqReport = JSON.readTree(cairn("verify", seq.toString(), "--json").lastStdoutLine());
        assertThat(kinds(seqReport)).containsExactly("extra");
        assertThat(seqReport.get("problems").get(0).get("path").asText()).isEqualTo(straySeq.toString());

        // --format shp: the sidecars of the job's .shp are its own; a .dbf of no output is an extra
        Path shp = work.resolve("shp");
        assertThat(cairn("convert", in.toString(), "-o", shp.toString(), "--format", "shp").exitCode()).isZero();
        assertThat(cairn("verify", shp.toString()).exitCode()).as("the .shp's sidecars are no extras").isZero();
        Path strayDbf = shp.resolve("orphan.dbf");
        Files.copy(shp.resolve("points.dbf"), strayDbf);
        JsonNode shpReport = JSON.readTree(cairn("verify", shp.toString(), "--json").lastStdoutLine());
        assertThat(kinds(shpReport)).containsExactly("extra");
        assertThat(shpReport.get("problems").get(0).get("path").asText()).isEqualTo(strayDbf.toString());
    }

    private JsonNode statusJson(Path out) throws Exception {
        CliProcess.Result s = cairn("status", out.toString(), "--json");
        assertThat(s.exitCode()).as("status; stderr:%n%s", s.stderr()).isZero();
        return JSON.readTree(s.lastStdoutLine());
    }

    private static List<String> kinds(JsonNode report) {
        List<String> kinds = new ArrayList<>();
        StreamSupport.stream(report.get("problems").spliterator(), false).forEach(p -> kinds.add(p.get("kind").asText()));
        return kinds;
    }

    private CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(work.resolve("logs"), TIMEOUT, args);
    }
}
