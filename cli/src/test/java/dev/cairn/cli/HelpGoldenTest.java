package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code --help} text of every command is a contract (scripts and docs quote it): each one is
 * compared verbatim with its golden file in {@code src/test/resources/golden/help/}. After an
 * intended change, regenerate them with {@code mvn test -pl cli -Dtest=HelpGoldenTest
 * -Dgolden.update=true} and review the diff.
 */
class HelpGoldenTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "help");

    @TempDir
    Path emptyWorkDir; // no cairn.yaml here, and no CAIRN_* variables: built-in defaults only

    static Stream<String> commands() {
        return Stream.of("", "convert", "warp", "tiles", "worker", "resume", "status", "failures", "retry-failures", "verify", "reset", "config");
    }

    @ParameterizedTest(name = "cairn {0} --help")
    @MethodSource("commands")
    void helpTextMatchesItsGoldenFile(String command) throws Exception {
        List<String> args = new ArrayList<>();
        if (!command.isEmpty()) {
            args.add(command);
        }
        args.add("--help");
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = Main.execute(Map.of(), emptyWorkDir, args.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
        }
        String help = out.toString(StandardCharsets.UTF_8);
        Path golden = GOLDEN.resolve((command.isEmpty() ? "cairn" : command) + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, help, StandardCharsets.UTF_8);
        }
        assertThat(exit).isZero();
        assertThat(golden).as("golden file (generate with -Dgolden.update=true)").exists();
        assertThat(help).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
