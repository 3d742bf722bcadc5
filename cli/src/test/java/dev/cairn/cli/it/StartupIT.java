package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes a process start fast changes nothing it writes: the EPSG answers replayed from the
 * cache give the same files as SIS reading its database, and the class-data sharing archive the
 * build makes is used by the launcher, and ignored, silently, when it does not fit the jar.
 */
class StartupIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    static Path input;

    @BeforeAll
    static void inputs() throws Exception {
        input = dir.resolve("in");
        // a datum shift (2056, 27700 → 4326, with Z too) and a projection only (32632)
        SampleData.writeGpkg(input.resolve("mixed.gpkg"), List.of(
                new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 40),
                new LayerSpec("parcels", GeometryKind.POLYGON, 32632, 40),
                new LayerSpec("peaks", GeometryKind.POINT, 27700, 40, true)), 7);
    }

    private static CliProcess.Result convert(List<String> jvm, String out, String to) throws Exception {
        CliProcess.Result r = CliProcess.start(jvm, dir.resolve("logs"), "convert", input.toString(),
                "-o", dir.resolve(out).toString(), "--to", to, "-q").await(TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r;
    }

    @Test
    void replayedEpsgAnswersWriteTheSameBytesAsTheDatabaseAndDerbyIsNeverStarted() throws Exception {
        Path cache = dir.resolve("cache");
        Path classes = dir.resolve("classes.log");
        for (String to : List.of("EPSG:4326", "EPSG:3857")) {
            String n = to.substring(5);
            convert(List.of("-Dcairn.epsg.cache=off"), "off-" + n, to);
            convert(List.of("-Dcairn.cache.dir=" + cache), "cold-" + n, to);
            assertThat(cache).isDirectoryContaining("glob:**/epsg-answers-*.bin");
            convert(List.of("-Dcairn.cache.dir=" + cache, "-Xlog:class+load:file=" + classes), "warm-" + n, to);

            List<String> database = content(dir.resolve("off-" + n).resolve("mixed.gpkg"));
            assertThat(database).anyMatch(s -> s.startsWith("peaks "));
            assertThat(content(dir.resolve("cold-" + n).resolve("mixed.gpkg"))).isEqualTo(database);
            assertThat(content(dir.resolve("warm-" + n).resolve("mixed.gpkg"))).isEqualTo(database);
            try (Stream<String> lines = Files.lines(classes)) {
                assertThat(lines.filter(l -> l.contains(" org.apache.derby.")).toList())
                        .as("classes of Derby loaded by the run with every answer recorded").isEmpty();
            }
        }
    }

    @Test
    void aRunThatStartsTheEpsgDatabaseLeavesNoTemporaryDirectoryOfDerbyBehind() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path classes = dir.resolve("derby-classes.log");
        List<List<String>> runs = List.of(
                List.of("-Dcairn.cache.dir=" + dir.resolve("empty-cache")),   // cold cache: Derby answers
                List.of("-Dcairn.epsg.cache=off"));                            // no cache: SIS and Derby alone
        for (List<String> options : runs) {
            List<String> jvm = new ArrayList<>(options);
            jvm.add("-Djava.io.tmpdir=" + tmp);
            jvm.add("-Xlog:class+load:file=" + classes);
            convert(jvm, "tmp-" + runs.indexOf(options), "EPSG:4326");
            try (Stream<String> lines = Files.lines(classes)) {
                assertThat(lines.anyMatch(l -> l.contains(" org.apache.derby.impl.store.")))
                        .as("the run %s started Derby", options).isTrue();
            }
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("left in java.io.tmpdir by the run %s", options)
                        .noneMatch(n -> n.startsWith("derbytmp_") || n.startsWith("cairn-derby-"));
            }
        }
    }

    @Test
    void aProcessKilledWithMinus9LeavesNoSqliteLibraryInTmpAndTheNextRunRemovesItsDerbyDirectory() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp-kill"));
        Path in = dir.resolve("in-kill");
        for (int i = 0; i < 6; i++) {
            SampleData.writeGpkg(in.resolve("parcels_" + i + ".gpkg"),
                    List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 2056, 4000)), 40 + i);
        }
        CliProcess run = CliProcess.start(List.of("-Djava.io.tmpdir=" + tmp, "-Dcairn.cache.dir=" + dir.resolve("kill-cache-1")),
                dir.resolve("logs"), "convert", in.toString(), "-o", dir.resolve("out-kill").toString(), "--to", "EPSG:4326",
                "--workers", "1", "--log-format", "json"); // a datum shift, asked to Derby before any asset is done
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!run.stderrSoFar().contains("\"asset_done\"")) {
            assertThat(run.process().isAlive()).as("still running; stderr:%n%s", run.stderrSoFar()).isTrue();
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        run.kill();
        assertThat(names(tmp)).as("what the killed process left in java.io.tmpdir")
                .noneMatch(n -> n.startsWith("sqlite-"))
                .anyMatch(n -> n.startsWith("cairn-derby-" + run.pid() + "-"));
        assertThat(dir.resolve("kill-cache-1").resolve("native")).as("SQLite's library, in the cache").isNotEmptyDirectory();

        convert(List.of("-Djava.io.tmpdir=" + tmp, "-Dcairn.cache.dir=" + dir.resolve("kill-cache-2")), "after-kill", "EPSG:4326");
        assertThat(names(tmp)).as("java.io.tmpdir after the next run that started Derby")
                .noneMatch(n -> n.startsWith("sqlite-") || n.startsWith("cairn-derby-") || n.startsWith("derbytmp_"));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** The SRS rows and every feature row (geometry blobs as hex) of a GeoPackage, as text. */
    private static List<String> content(Path gpkg) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = GpkgCompare.open(gpkg); Statement s = c.createStatement()) {
            rows.addAll(query(s, "srs ", "SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id"));
            rows.addAll(query(s, "geometry columns ", "SELECT * FROM gpkg_geometry_columns ORDER BY table_name"));
            for (String layer : GpkgCompare.featureLayers(gpkg)) {
                rows.addAll(query(s, layer + " ", "SELECT * FROM \"" + layer + "\" ORDER BY 1"));
            }
        }
        return rows;
    }

    private static List<String> query(Statement s, String prefix, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder(prefix);
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    b.append(v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(v)).append('|');
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }

    private static Path repository() {
        return CliProcess.jar().toAbsolutePath().getParent().getParent().getParent();
    }

    /** Runs a launcher script with this JVM's java first on the PATH (the one the build made the archive with). */
    private static CliProcess.Result launch(Path launcher, String javaOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().put("CAIRN_JAVA_OPTS", javaOptions);
        Path out = Files.createTempFile(dir, "launcher-out-", ".txt");
        Path err = Files.createTempFile(dir, "launcher-err-", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the launcher did not finish: " + Files.readString(err));
        }
        return new CliProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theLauncherRunsWithTheClassDataSharingArchiveBuiltWithTheJar() throws Exception {
        Path jar = CliProcess.jar();
        Path archive = jar.resolveSibling("cairn.jsa");
        assertThat(archive).isRegularFile();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
        Path classes = dir.resolve("launcher-classes.log");

        CliProcess.Result r = launch(repository().resolve("cairn"), "-Xmx256m -Xlog:class+load:file=" + classes, "--version");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("cairn ");
        try (Stream<String> lines = Files.lines(classes)) {
            assertThat(lines.filter(l -> l.contains(" dev.cairn.cli.Main ")).toList())
                    .singleElement().asString().contains("source: shared objects file");
        }
    }

    @Test
    void anArchiveThatDoesNotFitTheJarNeverFailsARunNorPrintsAnything() throws Exception {
        // A copy of the launcher next to the real jar (linked) and a damaged archive, newer than it.
        Path copy = dir.resolve("copy");
        Path target = Files.createDirectories(copy.resolve("cli").resolve("target"));
        Files.copy(repository().resolve("cairn"), copy.resolve("cairn"));
        Files.createSymbolicLink(target.resolve("cairn.jar"), CliProcess.jar().toAbsolutePath());
        Path archive = target.resolve("cairn.jsa");
        Files.writeString(archive, "not an archive\n");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        CliProcess.Result damaged;
        CliProcess.Result none;
        try {
            damaged = launch(copy.resolve("cairn"), "-Xmx256m", "--version");
            Files.delete(archive);
            none = launch(copy.resolve("cairn"), "-Xmx256m", "--version");
        } finally {
            Files.delete(target.resolve("cairn.jar")); // the link only, before JUnit's clean-up meets it
        }

        assertThat(none.exitCode()).as(none.stderr()).isZero();
        assertThat(damaged.exitCode()).as(damaged.stderr()).isZero();
        assertThat(damaged.stdout()).isEqualTo(none.stdout()).startsWith("cairn ");
        assertThat(damaged.stderr()).isEqualTo(none.stderr());
    }
}
