package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The kill test of a store with the engine as a library, in real child JVMs: a main class that
 * runs {@link UpperCaseLibraryJob} on its store is killed with SIGKILL at random moments six
 * times, then run to the end; every output must then be complete and correct, no temp file left,
 * every asset done, and only the assets in flight at each kill redone.
 */
public final class LibraryKillLoop {

    private LibraryKillLoop() {
    }

    /**
     * Runs the loop in {@code dir} with {@code main} (arguments: IN OUT, then {@code args});
     * {@code doneCount} reads how many assets the store of OUT holds done.
     */
    public static void killAndResume(Path dir, Class<?> main, List<String> args, ToLongFunction<Path> doneCount)
            throws Exception {
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
            Process p = start(dir, main, in, out, args);
            if (!p.waitFor(300 + rnd.nextInt(900), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(); // SIGKILL on Linux
                kills++;
            }
        }
        Process last = start(dir, main, in, out, args);
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
        assertThat(doneCount.applyAsLong(out)).isEqualTo(files);
        List<String> processed = Files.readAllLines(dir.resolve("processed.log"));
        // Each kill can cost at most the two assets in flight (two workers), plus one whose
        // output was renamed but not yet marked done.
        assertThat(processed.size()).isBetween(files, files + kills * 3);
        assertThat(kills).as("kills that landed before the job finished").isGreaterThanOrEqualTo(3);
    }

    private static Process start(Path dir, Class<?> main, Path in, Path out, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName(), in.toString(), out.toString()));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
    }
}
