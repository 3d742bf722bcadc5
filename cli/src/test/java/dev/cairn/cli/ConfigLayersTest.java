package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import dev.cairn.store.sqlite.SqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Configuration precedence (DESIGN §6): built-in defaults &lt; cairn.yaml or --config &lt; CAIRN_*
 * environment &lt; flags; bad files and variables exit 2 naming file and line, or the variable.
 * The environment is injected as a map; the real one is never read or changed.
 */
class ConfigLayersTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    @Test
    void eachLayerOverridesTheOneBelowIt() throws IOException {
        assertThat(convertParsedWith("in", "-o", "out").to).as("built-in default").isEqualTo("EPSG:4326");

        write("cairn.yaml", "workers: 3\nto: EPSG:3857\n");
        assertThat(convertParsedWith("in", "-o", "out").to).as("file over default").isEqualTo("EPSG:3857");

        env.put("CAIRN_TO", "EPSG:2056");
        assertThat(convertParsedWith("in", "-o", "out").to).as("environment over file").isEqualTo("EPSG:2056");

        assertThat(convertParsedWith("in", "-o", "out", "--to", "EPSG:32632").to).as("flag over environment").isEqualTo("EPSG:32632");
        assertThat(convertParsedWith("in", "-o", "out", "--to=EPSG:32632").to).isEqualTo("EPSG:32632");
    }

    @Test
    void everyConfigurableOptionReachesItsCommandFromTheEnvironmentAndTheFile() throws IOException {
        write("cairn.yaml", "format: GPKG\nassume-crs: EPSG:2056\nstore: ck.db\nworkers: 3\nlog-format: JSON\n");
        env.put("CAIRN_VERBOSE", "true");
        env.put("CAIRN_QUIET", "TRUE");
        ConvertCommand c = convertParsedWith("in", "-o", "out");
        assertThat(c.format).isEqualTo("GPKG");
        assertThat(c.assumeCrs).isEqualTo("EPSG:2056");
        assertThat(c.store).isEqualTo("ck.db");
        assertThat(c.run.workers).isEqualTo(3);
        assertThat(c.global.logFormat).isEqualTo("json");
        assertThat(c.global.verbose).isTrue();
        assertThat(c.global.quiet).isTrue();
    }

    @Test
    void optionsLeftAtTheirDefaultStayUnsetForTheCommandToDecide() {
        ConvertCommand c = convertParsedWith("in", "-o", "out");
        assertThat(c.format).isEqualTo("gpkg");
        assertThat(c.run.workers).isNull();
        assertThat(c.store).isNull();
        assertThat(c.assumeCrs).isNull();
        assertThat(c.global.logFormat).isNull();
        assertThat(c.global.quiet).isFalse();
    }

    @Test
    void configFlagWinsOverTheWorkingDirectoryFileInBothSpellings() throws IOException {
        write("cairn.yaml", "to: EPSG:3857\n");
        write("other.yaml", "to: EPSG:2056\n");
        assertThat(convertParsedWith("--config", "other.yaml", "in", "-o", "out").to).isEqualTo("EPSG:2056");
        assertThat(convertParsedWith("in", "-o", "out", "--config=other.yaml").to).isEqualTo("EPSG:2056");
        env.put("CAIRN_CONFIG", "other.yaml");
        assertThat(convertParsedWith("in", "-o", "out").to).as("CAIRN_CONFIG").isEqualTo("EPSG:2056");
    }

    @Test
    void unknownKeyNamesFileLineAndTheKnownKeys() throws IOException {
        write("cairn.yaml", "# settings\nto: EPSG:3857\nwrokers: 4\n");
        assertThatThrownBy(this::load)
                .isInstanceOf(CliException.class)
                .hasMessage("cairn.yaml:3: unknown key 'wrokers', did you mean 'workers'? (known: to, format, assume-crs,"
                        + " expect-crs, on-invalid, workers, store, log-format, verbose, quiet)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "workers: many       | cairn.yaml:2: bad value for 'workers': 'many' (expected a whole number of at least 1)",
            "workers: 0          | cairn.yaml:2: bad value for 'workers': '0' (expected a whole number of at least 1)",
            "workers: 2.5        | cairn.yaml:2: bad value for 'workers': '2.5' (expected a whole number of at least 1)",
            "log-format: xml     | cairn.yaml:2: bad value for 'log-format': 'xml' (expected auto, text or json)",
            "on-invalid: ignore  | cairn.yaml:2: bad value for 'on-invalid': 'ignore' (expected keep, warn, fail, skip or repair)",
            "quiet: sometimes    | cairn.yaml:2: bad value for 'quiet': 'sometimes' (expected true or false)",
            "assume-crs: [a, b]  | cairn.yaml:2: 'assume-crs' takes a single value (a non-empty text), found a list",
            "store: {a: b}       | cairn.yaml:2: 'store' takes a single value (a non-empty text), found a mapping",
            "to: EPSG:3857       | cairn.yaml:2: key 'to' is repeated (first on line 1)",
    })
    void badValueNamesFileKeyAndLine(String secondLine, String message) throws IOException {
        write("cairn.yaml", "to: EPSG:3857\n" + secondLine + "\n");
        assertThatThrownBy(this::load).isInstanceOf(CliException.class).hasMessage(message);
    }

    @Test
    void fileThatIsNotAMappingOrNotYamlNamesTheLine() throws IOException {
        write("cairn.yaml", "- to\n- workers\n");
        assertThatThrownBy(this::load).hasMessageStartingWith("cairn.yaml:1: expected 'key: value' lines");
        write("cairn.yaml", "to: EPSG:3857\nworkers: : 4\n");
        assertThatThrownBy(this::load).hasMessageStartingWith("cairn.yaml:2: not valid YAML");
    }

    @Test
    void emptyFileAndKeyWithoutValueLeaveTheDefaults() throws IOException {
        write("cairn.yaml", "");
        assertThat(load().effective(ConfigKey.TO)).isEqualTo(new Configuration.Setting("EPSG:4326", "default"));
        write("cairn.yaml", "store:\n");
        assertThat(load().effective(ConfigKey.STORE).source()).isEqualTo("default");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        env.put("CAIRN_WORKERS", "lots");
        assertThatThrownBy(this::load)
                .isInstanceOf(CliException.class)
                .hasMessage("environment variable CAIRN_WORKERS=lots: bad value (expected a whole number of at least 1); fix or unset it.");
    }

    @Test
    void unrelatedAndEmptyCairnVariablesAreIgnored() {
        env.put("CAIRN_JAVA_OPTS", "-Xmx2g");
        env.put("CAIRN_TO", "");
        assertThat(load().effective(ConfigKey.TO).source()).isEqualTo("default");
    }

    @Test
    void missingConfigFileIsExit2BeforeAnyOutput() {
        env.put("CAIRN_LOG_FORMAT", "text"); // these are about the text of the message
        Path out = dir.resolve("out");
        Run run = run("convert", dir.resolve("in").toString(), "-o", out.toString(), "--config", "missing.yaml");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).isEqualTo("cairn: --config missing.yaml: configuration file not found.\n");
        assertThat(out).doesNotExist();
        assertThat(run("config", "--config=missing.yaml").exit).isEqualTo(2);
    }

    @Test
    void badFileIsExit2BeforeAnyOutput() throws IOException {
        env.put("CAIRN_LOG_FORMAT", "text"); // these are about the text of the message
        write("cairn.yaml", "workers: many\n");
        Path out = dir.resolve("out");
        Run run = run("convert", dir.resolve("in").toString(), "-o", out.toString());
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).startsWith("cairn: cairn.yaml:1: bad value for 'workers'");
        assertThat(out).doesNotExist();
    }

    @Test
    void commandErrorAboutAConfiguredValueNamesWhereItCameFrom() throws IOException {
        env.put("CAIRN_LOG_FORMAT", "text"); // these are about the text of the message
        write("cairn.yaml", "format: dxf\n");
        Path out = dir.resolve("out");
        Run run = run("convert", dir.resolve("in").toString(), "-o", out.toString());
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).startsWith("cairn: cairn.yaml:1: format dxf: unknown output format; use one of ")
                .contains("gpkg").contains("shp").contains("fgb").endsWith(".\n");
        assertThat(out).doesNotExist();

        env.put("CAIRN_FORMAT", "kml");
        assertThat(run("convert", "in", "-o", out.toString()).err).startsWith("cairn: environment CAIRN_FORMAT: format kml: unknown output format");
        assertThat(run("convert", "in", "-o", out.toString(), "--format", "dxf").err).startsWith("cairn: --format dxf: unknown output format");
    }

    @Test
    void configShowPrintsEachValueWithItsSource() throws IOException {
        write("cairn.yaml", "to: EPSG:3857\nworkers: 4\nquiet: true\n");
        env.put("CAIRN_TO", "EPSG:2056");
        env.put("CAIRN_LOG_FORMAT", "json");
        Run run = run("config", "--show", "--store", "ck.db");
        assertThat(run.exit).isZero();
        assertThat(run.out.lines()).containsExactly(
                "configuration file: cairn.yaml",
                "to         = EPSG:2056  (environment CAIRN_TO)",
                "format     = gpkg  (default)",
                "assume-crs = none  (default)",
                "expect-crs = none  (default)",
                "on-invalid = keep  (default)",
                "workers    = 4  (cairn.yaml:2)",
                "store      = ck.db  (flag --store)",
                "log-format = json  (environment CAIRN_LOG_FORMAT)",
                "verbose    = false  (default)",
                "quiet      = true  (cairn.yaml:3)");
    }

    @Test
    void configShowJsonIsOneObjectOfValuesAndSources() throws IOException {
        write("settings.yaml", "workers: 4\n");
        Run run = run("config", "--show", "--json", "--config", "settings.yaml", "--verbose");
        assertThat(run.exit).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("workers").get("value").asInt()).isEqualTo(4);
        assertThat(json.get("workers").get("source").asText()).isEqualTo("settings.yaml:1");
        assertThat(json.get("to").get("value").asText()).isEqualTo("EPSG:4326");
        assertThat(json.get("to").get("source").asText()).isEqualTo("default");
        assertThat(json.get("verbose").get("value").asBoolean()).isTrue();
        assertThat(json.get("verbose").get("source").asText()).isEqualTo("flag --verbose");
        assertThat(json.get("store").get("value").isNull()).isTrue();
        assertThat(json.size()).isEqualTo(ConfigKey.values().length);
    }

    @Test
    void convertRunsWithTheTargetCrsFromTheFile() throws Exception {
        Path in = dir.resolve("in");
        SampleData.writeGpkg(in.resolve("a.gpkg"), List.of(new LayerSpec("pts", GeometryKind.POINT, 2056, 5)), 7);
        write("cairn.yaml", "to: EPSG:3857\nworkers: 1\n");
        Path out = dir.resolve("out");

        Run run = run("convert", in.toString(), "-o", out.toString());

        assertThat(run.exit).as("stderr: %s", run.err).isZero();
        try (SqliteStore store = SqliteStore.openReadOnly(out.resolve(".cairn").resolve("checkpoint.db"))) {
            assertThat(store.job().orElseThrow().spec()).containsEntry("--to", "EPSG:3857");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("a.gpkg"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'pts'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(3857);
        }
    }

    // --- helpers ---

    private Configuration load(String... args) {
        return Configuration.load(args, env, dir);
    }

    private ConvertCommand convertParsedWith(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "convert";
        System.arraycopy(args, 0, full, 1, args.length);
        CommandLine cli = Main.commandLine(Configuration.load(full, env, dir));
        CommandLine.ParseResult parsed = cli.parseArgs(full);
        return (ConvertCommand) parsed.subcommand().commandSpec().userObject();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the CLI in-process with the injected environment, capturing stdout and stderr. */
    private Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.execute(env, dir, args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
