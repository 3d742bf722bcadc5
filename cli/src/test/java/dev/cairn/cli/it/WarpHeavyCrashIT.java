package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill loop of {@link WarpCrashIT} on the 20000×20000 bench raster (opt-in: {@code mvn verify
 * -Pheavy -Dcairn.bench.raster=PATH}, the raster made by {@code ../shared/bench/make_bench_data.sh};
 * about 3 minutes on 2 cores): SIGKILL at seeded moments within a quarter of a warp after start-up,
 * runs adding up their windows, then runs until exit 0; the COG must
 * be byte for byte the one of an uninterrupted run. Its last result is in docs/benchmarks.md (warp).
 */
@EnabledIfSystemProperty(named = "cairn.heavy", matches = "true")
class WarpHeavyCrashIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aTwentyThousandSquareWarpKilledAgainAndAgainEndsByteIdenticalToAnUninterruptedRun() throws Exception {
        String raster = System.getProperty("cairn.bench.raster", "");
        assertThat(raster).as("-Dcairn.bench.raster=PATH of raster_32632.tif (../shared/bench/make_bench_data.sh)")
                .isNotEmpty();
        Path input = Path.of(raster);
        assertThat(input).exists();
        Path reference = work.resolve("out-ref");
        Instant launched = Instant.now();
        CliProcess.Result ref = CliProcess.run(work.resolve("logs-ref"), RUN_TIMEOUT, args(input, reference));
        assertThat(ref.exitCode()).as("reference run; stderr:%n%s", ref.stderr()).isZero();
        int windows = JSON.readTree(ref.lastStdoutLine()).get("counts").get("done").asInt();
        Instant planned = Instant.parse(ref.event("planned").get("@timestamp").asText());
        Instant lastDone = ref.events("asset_done").stream().map(e -> Instant.parse(e.get("@timestamp").asText()))
                .max(Comparator.naturalOrder()).orElseThrow();
        long startup = Duration.between(launched, planned).toMillis();
        long work = Duration.between(planned, lastDone).toMillis();
        log("reference run: %d windows, %d ms to the plan, %d ms of windows", windows, startup, work);

        Path out = this.work.resolve("out-killed");
        KillLoop.Outcome killed = KillLoop.of(this.work.resolve("logs-killed"), args(input, out))
                .seed(20_261_207L)
                .kills(14)
                // every run is killed up to a quarter of a whole warp after its start-up: runs add up
                // their windows, so the later kills land on the last windows, the overviews and the
                // COG being written
                .window(startup, work / 4, 4)
                .minLanded(5)
                .finalRuns(3, RUN_TIMEOUT)
                .run();
        log("%d kills landed: %s", killed.landed(), killed.phases());
        assertThat(RasterFixture.sha256(out.resolve("raster_32632.tif")))
                .isEqualTo(RasterFixture.sha256(reference.resolve("raster_32632.tif")));
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".cairn-tmp") || n.contains(".cairn-stage")).toList()).isEmpty();
        }
    }


    private static String[] args(Path input, Path out) {
        return new String[] {"warp", input.toString(), "-o", out.toString(), "--to", "EPSG:3857", "--resampling", "bilinear",
            "--json"};
    }

    private static void log(String format, Object... args) {
        System.out.printf("[WarpHeavyCrashIT] " + format + "%n", args);
    }
}
