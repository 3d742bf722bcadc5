package dev.cairn.engine.fuzz;

import dev.cairn.engine.AssetFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a format's reader over mutated files, one case at a time on a thread of its own, and
 * sorts the ends:
 *
 * <pre>
 *   end                                        verdict
 *   the reader returns                          done (the damage was harmless, or skipped as a feature issue)
 *   the classified exception of the format      a dead letter with a reason (counted by its class)
 *     (judged by the test's {@link Verdict})
 *   anything else: OutOfMemoryError,            a finding: the reader has a bug
 *     StackOverflowError, NullPointerException,
 *     an index out of bounds, an unclassified
 *     exception, a message without the file's
 *     name or on several lines
 *   no end within {@link #CASE_BOUND_SECONDS}    a finding: a hang
 * </pre>
 *
 * A finding carries the seed and case number that reproduce it; findings of the same kind (the
 * exception's class and the first frame in cairn's code) are counted together.
 *
 * <p>Format-agnostic, like {@link Mutator}: the format's tests (geo, raster) bring the reader and
 * the verdict; both come from the engine's test jar.
 */
public final class FuzzRun {
    /** The time bound of one case: a reader that reads a few KiB in more than this is hanging. */
    public static final long CASE_BOUND_SECONDS = 10;

    /** Cases per format: a few hundred in the normal build, thousands with {@code -Pheavy}. */
    public static int cases() {
        String n = System.getProperty("cairn.fuzz.cases");
        if (n != null && !n.isBlank()) {
            return Integer.parseInt(n.trim());
        }
        return Boolean.getBoolean("cairn.heavy") ? 5000 : 300;
    }

    /** Reads one mutated file the way the format's processor does. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }

    /** Null when {@code e}, thrown reading {@code file}, is a classified failure; else what is wrong with it. */
    @FunctionalInterface
    public interface Verdict {
        String problem(Throwable e, Path file);
    }

    /** Writes case {@code index} and returns the file the reader opens. */
    @FunctionalInterface
    public interface CaseWriter {
        CaseFile write(int index) throws Exception;
    }

    /** The file to read and what was done to it. */
    public record CaseFile(Path file, String description) {
    }

    /** What a run saw. */
    public record Report(String format, int cases, int done, Map<String, Integer> failures, List<String> findings,
            long millis) {
        public String summary() {
            return format + ": " + cases + " cases in " + millis + " ms: " + done + " done, failures " + failures
                    + ", " + findings.size() + " finding kinds";
        }
    }

    private FuzzRun() {
    }

    /**
     * The usual case writer: case {@code i} is {@code mutator}'s mutation {@code i} of {@code good},
     * written to {@code caseDir/case<i>.<ext>}.
     */
    public static CaseWriter mutants(Mutator mutator, byte[] good, List<Mutator.Field> fields, boolean text,
            Path caseDir, String ext) {
        return i -> {
            Mutator.Mutation mu = mutator.mutate(i, good, fields, text);
            Path file = caseDir.resolve("case" + i + "." + ext);
            Files.write(file, mu.bytes());
            return new CaseFile(file, mu.description());
        };
    }

    public static Report run(String format, long seed, int cases, CaseWriter writer, Reader reader, Verdict verdict)
            throws Exception {
        long start = System.nanoTime();
        int done = 0;
        Map<String, Integer> failures = new TreeMap<>();
        Map<String, String> findings = new LinkedHashMap<>();
        Map<String, Integer> findingCounts = new LinkedHashMap<>();
        ExecutorService exec = Executors.newSingleThreadExecutor(daemon());
        try {
            for (int i = 0; i < cases; i++) {
                CaseFile c = writer.write(i);
                Future<?> f = exec.submit(() -> {
                    reader.read(c.file());
                    return null;
                });
                String kind = null;
                String detail = null;
                try {
                    f.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
                    done++;
                } catch (TimeoutException hang) {
                    f.cancel(true);
                    exec.shutdownNow();
                    exec = Executors.newSingleThreadExecutor(daemon());
                    kind = "hang (no end within " + CASE_BOUND_SECONDS + " s)";
                    detail = "";
                } catch (java.util.concurrent.ExecutionException ee) {
                    Throwable e = ee.getCause();
                    String problem = verdict.problem(e, c.file());
                    if (problem == null) {
                        failures.merge(e.getClass().getSimpleName() + classOf(e), 1, Integer::sum);
                    } else {
                        kind = problem + " " + e.getClass().getName() + " at " + firstCairnFrame(e);
                        detail = String.valueOf(e.getMessage());
                        if (detail.length() > 300) {
                            detail = detail.substring(0, 300) + "...";
                        }
                    }
                }
                if (kind != null) {
                    findingCounts.merge(kind, 1, Integer::sum);
                    findings.putIfAbsent(kind, "seed " + seed + " case " + i + " (" + c.description() + "): " + detail);
                }
            }
        } finally {
            exec.shutdownNow();
        }
        List<String> out = new ArrayList<>();
        findings.forEach((k, v) -> out.add(findingCounts.get(k) + "x " + k + "; first: " + v));
        return new Report(format, cases, done, failures, out, (System.nanoTime() - start) / 1_000_000);
    }

    private static String classOf(Throwable e) {
        return e instanceof AssetFailure f ? "(" + f.errorClass() + ")" : "";
    }

    static String firstCairnFrame(Throwable e) {
        for (StackTraceElement s : e.getStackTrace()) {
            if (s.getClassName().startsWith("dev.cairn.") && !s.getClassName().contains(".fuzz.")) {
                return s.getClassName().substring(s.getClassName().lastIndexOf('.') + 1) + "." + s.getMethodName()
                        + ":" + s.getLineNumber();
            }
        }
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "?" : st[0].toString();
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        };
    }
}
