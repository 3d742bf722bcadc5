package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar in a real terminal: cairn runs in a detached tmux session (120x30) on 300,000
 * generated features; the pane is captured every half second. Skipped when tmux is absent,
 * unless {@code CAIRN_REQUIRE_TMUX=1}.
 */
class ProgressTmuxIT {
    private static final Pattern BAR = Pattern.compile(
            "(?m)^cairn +\\d+% \\[[=> ]+] \\d+/6 assets \\| [\\d,]+/300,000 features \\| [\\d,]+ features/s \\| ETA [\\d?:]+");

    @TempDir
    Path work;

    @Test
    void barShowsAssetsFeaturesRateAndEtaInPlaceAndEndsWithTheSummary() throws Exception {
        boolean tmux = run("tmux", "-V").exitCode == 0;
        assumeTrue(tmux || "1".equals(System.getenv("CAIRN_REQUIRE_TMUX")), "tmux is not installed");
        assertThat(tmux).as("tmux is required (CAIRN_REQUIRE_TMUX=1) but not installed").isTrue();
        Path in = work.resolve("in");
        for (int i = 0; i < 6; i++) {
            SampleData.writeGpkg(in.resolve("part" + i + ".gpkg"),
                    List.of(new LayerSpec("pts", GeometryKind.POINT, 2056, 50_000)), 100 + i);
        }
        String session = "cairn-it-" + ProcessHandle.current().pid();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -Xmx512m -jar '" + CliProcess.jar() + "' convert '" + in + "' -o '"
                + work.resolve("out") + "' --workers 2; echo CAIRN_EXIT=$?; sleep 120";
        assertThat(run("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30", command).exitCode).isZero();
        List<String> barsSeen = new ArrayList<>();
        String pane = "";
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline && !pane.contains("CAIRN_EXIT=")) {
                Thread.sleep(500);
                pane = run("tmux", "capture-pane", "-p", "-t", session).output;
                var m = BAR.matcher(pane);
                if (m.find() && !pane.contains("CAIRN_EXIT=")) {
                    barsSeen.add(m.group());
                }
            }
        } finally {
            run("tmux", "kill-session", "-t", session);
        }
        assertThat(pane).as("final pane").contains("CAIRN_EXIT=0");
        assertThat(barsSeen).as("bar lines while running; final pane:%n%s", pane).isNotEmpty();
        assertThat(pane).containsPattern("(?m)^cairn 100% .* 6/6 assets \\| 300,000/300,000 features");
        assertThat(pane).containsPattern("(?m)^cairn: job \\w+ finished: 6 done, 0 failed");
        assertThat(pane.split("% \\[", -1)).as("one bar line, redrawn in place:%n%s", pane).hasSize(2);
    }

    private record Ran(int exitCode, String output) {
    }

    private static Ran run(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Ran(p.waitFor(), out);
        } catch (IOException notInstalled) {
            return new Ran(127, notInstalled.getMessage());
        }
    }
}
