package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.engine.fuzz.Mutator;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated files of every vector format dropped among good ones, through the real CLI: the
 * batch goes on (exit 12), every good file is converted, every mutated one ends either converted
 * or as a dead letter whose one-line message names it (listed by {@code cairn failures --json}),
 * and nothing the user sees holds a stack trace. The good files are a GeoPackage of the sample
 * generator and its conversions by cairn itself to Shapefile, GeoJSON and FlatGeobuf; the
 * mutations are the seeded ones of the format fuzz loops ({@link Mutator}, engine's test jar). The same for
 * GeoTIFFs through {@code cairn warp}.
 */
class FuzzedInputsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20261207L;
    private static final int MUTANTS_PER_FORMAT = 6;

    @TempDir
    Path work;

    @Test
    void mutatedFilesOfEveryFormatAmongGoodOnesEndDoneOrAsOneLineDeadLetters() throws Exception {
        Path seeds = work.resolve("seeds");
        Path gpkg = seeds.resolve("places.gpkg");
        SampleData.writeGpkg(gpkg, List.of(new LayerSpec("places", GeometryKind.POLYGON, 2056, 40)), SEED);
        for (String format : List.of("shp", "geojson", "fgb")) {
            CliProcess.Result made = cairn("convert", gpkg.toString(), "-o", seeds.resolve(format).toString(),
                    "--format", format);
            assertThat(made.exitCode()).as("seed %s; stderr:%n%s", format, made.stderr()).isZero();
        }
        Path in = work.resolve("in");
        Files.createDirectories(in);
        List<String> good = new ArrayList<>();
        List<String> mutated = new ArrayList<>();
        Files.copy(gpkg, in.resolve("good_gpkg.gpkg"));
        good.add("good_gpkg.gpkg");
        Map<String, Path> singles = Map.of("gpkg", gpkg, "geojson", seeds.resolve("geojson/places.geojson"),
                "fgb", seeds.resolve("fgb/places.fgb"));
        Mutator mutator = new Mutator(SEED);
        int index = 0;
        for (var e : singles.entrySet()) {
            byte[] bytes = Files.readAllBytes(e.getValue());
            if (!e.getKey().equals("gpkg")) {
                Files.write(in.resolve("good_" + e.getKey() + "." + e.getKey()), bytes);
                good.add("good_" + e.getKey() + "." + e.getKey());
            }
            for (int i = 0; i < MUTANTS_PER_FORMAT; i++) {
                String name = "mutated_" + e.getKey() + "_" + i + "." + e.getKey();
                Files.write(in.resolve(name), mutator.mutate(index++, bytes, List.of(), e.getKey().equals("geojson"))
                        .bytes());
                mutated.add(name);
            }
        }
        String[] parts = {"shp", "shx", "dbf", "prj"};
        Map<String, byte[]> shp = new HashMap<>();
        for (String p : parts) {
            shp.put(p, Files.readAllBytes(seeds.resolve("shp/places." + p)));
            Files.write(in.resolve("good_shp." + p), shp.get(p));
        }
        good.add("good_shp.shp");
        for (int i = 0; i < 2 * parts.length; i++) {
            String damaged = parts[i % parts.length];
            for (String p : parts) {
                byte[] b = p.equals(damaged) ? mutator.mutate(index++, shp.get(p), List.of(), p.equals("prj")).bytes()
                        : shp.get(p);
                Files.write(in.resolve("mutated_shp_" + i + "." + p), b);
            }
            mutated.add("mutated_shp_" + i + ".shp");
        }

        Path out = work.resolve("out");
        CliProcess.Result run = cairn("convert", in.toString(), "-o", out.toString(), "--json");
        assertThat(run.exitCode()).as("partial run; stderr:%n%s", run.stderr()).isEqualTo(12);
        assertThat(run.stderrEvents()).as("stderr events").noneMatch(ev -> ev.has("stack_trace"));
        assertThat(run.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        JsonNode counts = JSON.readTree(run.lastStdoutLine()).get("counts");
        int done = counts.get("done").asInt();
        int failed = counts.get("failed").asInt();
        assertThat(done + failed).as("every input ends done or failed: %s", counts).isEqualTo(good.size() + mutated.size());
        for (String g : good) {
            assertThat(out.resolve(g.replaceAll("\\.[a-z]+$", ".gpkg"))).as("the good %s is converted", g).exists();
        }

        CliProcess.Result failures = cairn("failures", out.toString(), "--json");
        assertThat(failures.exitCode()).as("failures; stderr:%n%s", failures.stderr()).isZero();
        JsonNode report = JSON.readTree(failures.lastStdoutLine());
        assertThat(report.get("count").asInt()).isEqualTo(failed).isPositive();
        List<String> failedNames = new ArrayList<>();
        for (JsonNode f : report.get("failures")) {
            String fileName = Path.of(f.get("input").asText()).getFileName().toString();
            failedNames.add(fileName);
            assertThat(fileName).as("only mutated files fail").startsWith("mutated_");
            assertThat(f.get("error_class").asText()).as("%s", f).isNotEqualTo("internal");
            String stem = fileName.substring(0, fileName.lastIndexOf('.'));
            assertThat(f.get("message").asText()).as("message of %s", fileName)
                    .doesNotContain("\n").doesNotContain("\tat ").contains(stem);
        }
        for (String m : mutated) {
            boolean converted = Files.exists(out.resolve(m.replaceAll("\\.[a-z]+$", ".gpkg")));
            assertThat(converted || failedNames.stream().anyMatch(n -> n.startsWith(m.substring(0, m.lastIndexOf('.')))))
                    .as("%s is converted or a dead letter", m).isTrue();
        }
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(Path::toString).filter(n -> n.contains(".tmp") || n.contains(".part")))
                    .as("no temp output left").isEmpty();
        }
        System.out.println("fuzzed inputs: " + good.size() + " good, " + mutated.size() + " mutated: " + done
                + " done, " + failed + " dead letters " + report.get("by_class"));
    }

    @Test
    void mutatedGeoTiffsAmongGoodOnesEndDoneOrAsOneLineDeadLettersOfWarp() throws Exception {
        RasterFixture.assumeGdal();
        Path seed = RasterFixture.geotiff(work.resolve("seeds"), "scene", 300, 200, 3, "Byte", "EPSG:32633", 500000,
                5400000, 506000, 5396000, null, SEED, "TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE");
        byte[] bytes = Files.readAllBytes(seed);
        Path in = Files.createDirectories(work.resolve("in"));
        Files.write(in.resolve("good_0.tif"), bytes);
        Files.write(in.resolve("good_1.tif"), bytes);
        int mutants = 12;
        Mutator mutator = new Mutator(SEED);
        for (int i = 0; i < mutants; i++) {
            Files.write(in.resolve("mutated_" + i + ".tif"), mutator.mutate(i, bytes, List.of(), false).bytes());
        }
        Path out = work.resolve("out");
        CliProcess.Result run = cairn("warp", in.toString(), "-o", out.toString(), "--to", "EPSG:3857", "--json");
        assertThat(run.exitCode()).as("partial run; stderr:%n%s", run.stderr()).isEqualTo(12);
        assertThat(run.stderrEvents()).as("stderr events").noneMatch(ev -> ev.has("stack_trace"));
        assertThat(run.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        assertThat(out.resolve("good_0.tif")).exists();
        assertThat(out.resolve("good_1.tif")).exists();

        CliProcess.Result failures = cairn("failures", out.toString(), "--json");
        assertThat(failures.exitCode()).as("failures; stderr:%n%s", failures.stderr()).isZero();
        JsonNode report = JSON.readTree(failures.lastStdoutLine());
        List<String> failedNames = new ArrayList<>();
        for (JsonNode f : report.get("failures")) {
            String fileName = Path.of(f.get("input").asText()).getFileName().toString();
            failedNames.add(fileName);
            assertThat(fileName).as("only mutated files fail").startsWith("mutated_");
            assertThat(f.get("error_class").asText()).as("%s", f).isNotEqualTo("internal");
            assertThat(f.get("message").asText()).as("message of %s", fileName)
                    .doesNotContain("\n").doesNotContain("\tat ").contains(fileName);
        }
        assertThat(failedNames).isNotEmpty();
        for (int i = 0; i < mutants; i++) {
            String m = "mutated_" + i + ".tif";
            assertThat(Files.exists(out.resolve(m)) || failedNames.contains(m)).as("%s is warped or a dead letter", m)
                    .isTrue();
        }
        System.out.println("fuzzed GeoTIFFs: 2 good, " + mutants + " mutated: " + failedNames.size()
                + " dead letters " + report.get("by_class"));
    }

    private CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(work.resolve("logs"), TIMEOUT, args);
    }
}
