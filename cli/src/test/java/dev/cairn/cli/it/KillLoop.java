package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The SIGKILL loop of the crash tests (after H2's {@code TestKillRestart}): starts the real CLI
 * with the same command again and again, kills each run with SIGKILL at a seeded random moment,
 * then runs the command until it exits 0.
 *
 * <p>Kill {@code k} (from 0) lands {@code from + (k % strata + u) / strata * span} ms after its
 * run started, {@code u} uniform in [0, 1) from a {@link Random} seeded with the loop's seed: the
 * window {@code [from, from + span)} is cut into {@code strata} equal parts taken in turn, so that
 * whatever the seed, kills land early and late in a run. The same settings give the same moments.
 *
 * <p>Checked here, for every loop: a run that ends on its own before its kill moment exits 0 (the
 * loop then stops: the job is finished, unless {@link #keepKillingAfterAnExit()}); at least
 * {@link #minLanded(int)} kills landed while cairn was running; the last of the final runs
 * exits 0. What the test checks between kills (its output so far, the checkpoint) goes in an
 * {@link Inspection}; what the finished job must look like stays in the test.
 */
final class KillLoop {
    /**
     * One run the loop started: killed {@code delayMs} after its start ({@code exitCode} is then
     * the killed process's), or ended on its own before. {@code stderrBeforeKill} is what it had
     * written just before the kill (all of {@code stderr} when it ended on its own).
     */
    record Run(long delayMs, boolean killed, int exitCode, String stderrBeforeKill, String stderr) {
    }

    /** Looks at a run once it was killed or ended (its stderr, the checkpoint); returns what it saw, for the log. */
    @FunctionalInterface
    interface Inspection {
        String inspect(Run run) throws Exception;
    }

    /**
     * What a loop did: the kills that landed, the runs that ended on their own, every started run
     * with its inspection ({@code phases}: "DELAYms:WHAT"), and the final runs, the last of which
     * exited 0.
     */
    record Outcome(int landed, int exited, List<Run> runs, List<String> phases, List<CliProcess.Result> finalRuns) {
        CliProcess.Result last() {
            return finalRuns.get(finalRuns.size() - 1);
        }
    }

    private final Path logs;
    private final String[] command;
    private long seed;
    private int kills;
    private long fromMs = -1;
    private long spanMs;
    private int strata;
    private int minLanded = -1;
    private boolean stopAtFirstExit = true;
    private Inspection inspection = run -> run.killed() ? "killed" : "exited";
    private int finalAttempts;
    private Duration runTimeout;

    private KillLoop(Path logs, String[] command) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.command = command.clone();
    }

    /** A loop running {@code cairn COMMAND...}, with stdout and stderr of every run in {@code logs}. */
    static KillLoop of(Path logs, String... command) {
        return new KillLoop(logs, command);
    }

    /** Seed of the kill moments. */
    KillLoop seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Number of runs started to be killed (fewer when a run ends on its own and the loop stops). */
    KillLoop kills(int kills) {
        this.kills = kills;
        return this;
    }

    /** Kill moments in {@code [fromMs, fromMs + spanMs)} after a run's start, in {@code strata} parts taken in turn. */
    KillLoop window(long fromMs, long spanMs, int strata) {
        this.fromMs = fromMs;
        this.spanMs = spanMs;
        this.strata = strata;
        return this;
    }

    /** The kills that must land while cairn is running (not after it ended on its own). */
    KillLoop minLanded(int minLanded) {
        this.minLanded = minLanded;
        return this;
    }

    /** Goes on starting and killing runs after one ended on its own (by default the loop stops there). */
    KillLoop keepKillingAfterAnExit() {
        this.stopAtFirstExit = false;
        return this;
    }

    /** What to look at after each run was killed or ended on its own; by default nothing ("killed", "exited"). */
    KillLoop inspectEachRun(Inspection inspection) {
        this.inspection = Objects.requireNonNull(inspection, "inspection");
        return this;
    }

    /** After the kills, at most {@code attempts} runs of the command, each within {@code timeout}, until one exits 0. */
    KillLoop finalRuns(int attempts, Duration timeout) {
        this.finalAttempts = attempts;
        this.runTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Runs the loop, then the final runs; fails the test when a check above fails. */
    Outcome run() throws Exception {
        if (kills <= 0 || fromMs < 0 || strata <= 0 || minLanded < 0 || finalAttempts <= 0) {
            throw new IllegalStateException("set kills, window, minLanded and finalRuns before run()");
        }
        Random random = new Random(seed);
        int landed = 0;
        int exited = 0;
        List<Run> runs = new ArrayList<>();
        List<String> phases = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            long delay = fromMs + (long) ((k % strata + random.nextDouble()) / strata * spanMs);
            CliProcess p = CliProcess.start(logs, command);
            Run run;
            if (p.process().waitFor(delay, TimeUnit.MILLISECONDS)) {
                exited++;
                String stderr = p.stderrSoFar();
                run = new Run(delay, false, p.process().exitValue(), stderr, stderr);
                assertThat(run.exitCode()).as("a run that ends on its own: stderr%n%s", stderr).isZero();
            } else {
                String before = p.stderrSoFar();
                p.kill();
                landed++;
                run = new Run(delay, true, p.process().exitValue(), before, p.stderrSoFar());
            }
            runs.add(run);
            phases.add(delay + "ms:" + inspection.inspect(run));
            if (!run.killed() && stopAtFirstExit) {
                break;
            }
        }
        assertThat(landed).as("kills that landed while cairn was running (%s)", phases).isGreaterThanOrEqualTo(minLanded);

        List<CliProcess.Result> finalRuns = new ArrayList<>();
        CliProcess.Result last = null;
        for (int attempt = 0; attempt < finalAttempts && (last == null || last.exitCode() != 0); attempt++) {
            last = CliProcess.run(logs, runTimeout, command);
            finalRuns.add(last);
        }
        assertThat(last.exitCode()).as("final run; stderr:%n%s", last.stderr()).isZero();
        return new Outcome(landed, exited, List.copyOf(runs), List.copyOf(phases), List.copyOf(finalRuns));
    }
}
