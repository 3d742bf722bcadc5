package dev.cairn.cli.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the real cairn CLI (the shaded jar) as a child JVM, as a user or an orchestrator would.
 * The jar path comes from the {@code cairn.jar} system property (set by the failsafe plugin).
 * stdout and stderr go to files so that a killed process leaves them readable.
 */
public final class CliProcess {
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static Path jar() {
        String jar = System.getProperty("cairn.jar");
        if (jar == null) {
            Path guess = Path.of("target", "cairn.jar");
            if (Files.isRegularFile(guess)) {
                return guess.toAbsolutePath();
            }
            throw new IllegalStateException("system property cairn.jar is not set; run the ITs with 'mvn verify'");
        }
        return Path.of(jar);
    }

    /**
     * Each line of {@code text} as a JSON object; fails on the first line that is not exactly one
     * object (an empty line, plain text, an array, trailing text after the object).
     */
    public static List<JsonNode> jsonLines(String text) {
        List<JsonNode> events = new ArrayList<>();
        if (text.isEmpty()) {
            return events;
        }
        String[] lines = text.split("\n", -1);
        int last = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < last; i++) {
            JsonNode node;
            try {
                node = STRICT_JSON.readTree(lines[i]);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                throw new AssertionError("stderr line " + (i + 1) + " is not one JSON object: " + lines[i]
                        + "\nall of stderr:\n" + text);
            }
            events.add(node);
        }
        return events;
    }

    /** Starts {@code cairn ARGS...}; output is captured in {@code logDir}. */
    public static CliProcess start(Path logDir, String... args) throws IOException {
        return start(List.of(), logDir, args);
    }

    /**
     * {@link #start(Path, String...)} with extra JVM options. The processes keep their EPSG answer
     * cache where the build says ({@code cairn.cache.dir}), not in the user's cache directory.
     */
    public static CliProcess start(List<String> jvmOptions, Path logDir, String... args) throws IOException {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        String cache = System.getProperty("cairn.cache.dir");
        if (cache != null) {
            cmd.add("-Dcairn.cache.dir=" + cache);
        }
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(logDir, "stdout-", ".txt");
        Path err = Files.createTempFile(logDir, "stderr-", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new CliProcess(p, out, err);
    }

    /** Runs {@code cairn ARGS...} to completion (at most {@code timeout}) and returns the result. */
    public static Result run(Path logDir, Duration timeout, String... args) throws IOException, InterruptedException {
        CliProcess p = start(logDir, args);
        return p.await(timeout);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Sends a signal (e.g. "KILL", "TERM", "INT") with the system's kill command. */
    public void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        k.waitFor();
    }

    /** What the process has written to stderr so far (readable while it runs and after a kill). */
    public String stderrSoFar() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Kills the process with SIGKILL (no shutdown hooks, no signal handler) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public Result await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("cairn did not finish within " + timeout + "; stderr:\n" + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** What a finished run printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        /**
         * stderr as JSON log events, one per line, as a run whose stderr is not a terminal writes
         * it (DESIGN §6). Fails on the first line that is not exactly one JSON object, naming it.
         */
        public List<JsonNode> stderrEvents() {
            return jsonLines(stderr);
        }

        /** The stderr events whose {@code event} field is {@code name}. */
        public List<JsonNode> events(String name) {
            return stderrEvents().stream().filter(e -> name.equals(e.path("event").asText())).toList();
        }

        /** The one stderr event named {@code name}; fails if there is none or more than one. */
        public JsonNode event(String name) {
            List<JsonNode> found = events(name);
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " events '" + name + "' on stderr, expected one:\n" + stderr);
            }
            return found.get(0);
        }

        /** The last non-empty stdout line (the JSON summary with --json). */
        public String lastStdoutLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }
    }
}
