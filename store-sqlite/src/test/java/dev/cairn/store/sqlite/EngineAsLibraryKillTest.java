package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.AssetState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's processor, run through the engine as a library in a real child JVM, gets the same
 * guarantees as the built-in jobs: killed with SIGKILL at random moments and run again, it ends
 * with every output complete and correct, no temp file left, every asset done, and only the assets
 * in flight at each kill redone.
 */
class EngineAsLibraryKillTest {
    @TempDir
    Path dir;

    private Process start(Path in, Path out, String layout) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LibraryJobMain.class.getName(),
                in.toString(), out.toString(), layout)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
    }

    @Test
    void killedLibraryJobResumesToTheSameOutputWithBoundedRework() throws Exception {
        killAndResume("one-block");
    }

    /** The same with its plan in fifteen blocks of four: claims that take from two blocks at once get killed too. */
    @Test
    void aKilledJobWhosePlanSpansManyBlocksResumesToTheSameOutputWithBoundedRework() throws Exception {
        killAndResume("blocks-of-4");
    }

    private void killAndResume(String layout) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        int files = 60;
        Random rnd = new Random(42);
        for (int i = 0; i < files; i++) {
            StringBuilder sb = new StringBuilder();
            for (int l = 0; l < 40 + rnd.nextInt(40); l++) {
                sb.append("file ").append(i).append(" line ").append(l).append(" zürich\n");
            }
            Files.writeString(in.resolve(String.format("f%03d.txt", i)), sb.toString());
        }

        int kills = 0;
        for (int k = 0; k < 6; k++) {
            Process p = start(in, out, layout);
            if (!p.waitFor(300 + rnd.nextInt(900), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(); // SIGKILL on Linux
                kills++;
            }
        }
        Process last = start(in, out, layout);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();

        try (Stream<Path> s = Files.list(in)) {
            for (Path f : s.toList()) {
                Path o = out.resolve(f.getFileName());
                assertThat(o).hasContent(Files.readString(f).toUpperCase(Locale.ROOT));
            }
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("cairn-tmp"));
        }
        try (SqliteStore store = SqliteStore.openReadOnly(out.resolve(".cairn").resolve("checkpoint.db"))) {
            assertThat(store.counts().get(AssetState.DONE)).isEqualTo(files);
        }
        List<String> processed = Files.readAllLines(dir.resolve("processed.log"));
        // Each kill can cost at most the two assets in flight (two workers), plus one whose
        // output was renamed but not yet marked done.
        assertThat(processed.size()).isBetween(files, files + kills * 3);
        assertThat(kills).as("kills that landed before the job finished").isGreaterThanOrEqualTo(3);
    }

}
