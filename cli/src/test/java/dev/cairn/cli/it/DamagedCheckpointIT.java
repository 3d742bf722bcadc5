package dev.cairn.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.gdal.RasterFixture;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged or foreign checkpoint, from the real CLI (issue 12, item 2): each damage is detected
 * when the command starts, exits 2 with one line naming the checkpoint, what is wrong and
 * {@code --fresh}, leaves the checkpoint's files byte for byte as they were (SHA-256 before and
 * after), never prints a stack trace; the operator commands say the same; and {@code --fresh}
 * then really starts over (the damaged files set aside, the job done).
 */
class DamagedCheckpointIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    static Path input;

    @BeforeAll
    static void inputs() throws Exception {
        input = dir.resolve("in");
        SampleData.writeGpkg(input.resolve("roads.gpkg"), List.of(new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 300)), 1);
    }

    private static CliProcess.Result cairn(String... args) throws Exception {
        return CliProcess.run(dir.resolve("logs"), TIMEOUT, args);
    }

    interface Damage {
        void apply(Path checkpoint) throws Exception;
    }

    /** A finished convert into {@code out-NAME}, its checkpoint damaged by {@code damage}. */
    private static Path damagedConvert(String name, Damage damage) throws Exception {
        Path out = dir.resolve("out-" + name);
        CliProcess.Result first = cairn("convert", input.toString(), "-o", out.toString());
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        damage.apply(out.resolve(".cairn").resolve("checkpoint.db"));
        return out;
    }

    private static List<Path> checkpointFiles(Path checkpoint) throws IOException {
        try (Stream<Path> files = Files.list(checkpoint.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith("checkpoint.db")).sorted().toList();
        }
    }

    private static String sha256(List<Path> files) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Path f : files) {
            md.update(f.getFileName().toString().getBytes());
            md.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Runs {@code args}, asserts the refusal (exit 2, one line with the path, the damage and --fresh) and the files unchanged. */
    private static void assertRefused(Path checkpoint, String damage, String... args) throws Exception {
        List<Path> files = checkpointFiles(checkpoint);
        String before = sha256(files);
        CliProcess.Result r = cairn(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.stderr()).isEqualTo(2);
        JsonNode refused = r.event("usage_error");
        assertThat(refused.get("message").asText()).contains(checkpoint.toString()).contains(damage).contains("--fresh")
                .doesNotContain("\n");
        assertThat(r.stderr()).doesNotContain("internal_error").doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(checkpointFiles(checkpoint)).isEqualTo(files);
        assertThat(sha256(files)).as("the checkpoint's files after " + args[0]).isEqualTo(before);
    }

    /** --fresh sets the damaged files aside (kept, renamed) and finishes the job. */
    private static void assertFreshStartsOver(Path out, Path checkpoint, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--fresh");
        CliProcess.Result fresh = cairn(args.toArray(String[]::new));
        assertThat(fresh.exitCode()).as(fresh.stderr()).isZero();
        assertThat(fresh.stderr()).contains("checkpoint_set_aside");
        try (Stream<Path> files = Files.list(checkpoint.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("checkpoint.db.unusable-"));
        }
        CliProcess.Result again = cairn(command);
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(cairn("verify", out.toString()).exitCode()).isZero();
    }

    private static String[] convert(Path out) {
        return new String[] {"convert", input.toString(), "-o", out.toString()};
    }

    private static void overwrite(Path file, long at, int n) throws IOException {
        byte[] junk = new byte[n];
        new Random(7).nextBytes(junk);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(junk);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    @Test
    void aCheckpointTruncatedToHalfIsRefusedByEveryCommandAndFreshStartsOver() throws Exception {
        Path out = damagedConvert("half", cp -> truncate(cp, Files.size(cp) / 2));
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertRefused(cp, "truncated", convert(out));
        for (String command : List.of("status", "failures", "verify", "resume", "retry-failures")) {
            assertRefused(cp, "truncated", command, out.toString());
        }
        assertFreshStartsOver(out, cp, convert(out));
    }

    @Test
    void aCheckpointTruncatedToZeroBytesIsRefusedNotSilentlyStartedAgain() throws Exception {
        Path out = damagedConvert("zero", cp -> truncate(cp, 0));
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertRefused(cp, "empty (0 bytes)", convert(out));
        assertFreshStartsOver(out, cp, convert(out));
    }

    @Test
    void randomBytesOverThePageOfTheJobTableAreFoundByQuickCheck() throws Exception {
        // page 3 holds a b-tree of the schema (the checkpoint of a finished one-file job has few pages)
        Path out = damagedConvert("page", cp -> overwrite(cp, 2 * 4096 + 8, 200));
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertRefused(cp, "quick_check", convert(out));
        assertRefused(cp, "quick_check", "status", out.toString());
        assertFreshStartsOver(out, cp, convert(out));
    }

    @Test
    void aFileThatIsNotSqliteIsRefused() throws Exception {
        Path out = damagedConvert("text", cp -> Files.writeString(cp, "{\"not\": \"a database\"}\n"));
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertRefused(cp, "not an SQLite database", convert(out));
        assertFreshStartsOver(out, cp, convert(out));
    }

    @Test
    void aSchemaVersionFromTheFutureIsRefusedAndNeverMigratedDown() throws Exception {
        Path out = damagedConvert("future", cp -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cp); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO schema_version (version) VALUES (99)");
            }
        });
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertRefused(cp, "schema version 99", convert(out));
        assertRefused(cp, "schema version 99", "status", out.toString());
        assertFreshStartsOver(out, cp, convert(out));
    }

    /**
     * The state a killed run leaves: commits in {@code checkpoint.db-wal} not yet folded into the
     * database (copied while a connection with automatic checkpoints off held them), then a frame's
     * page damaged. SQLite itself would cut the log at the damaged frame and silently forget every
     * commit after it.
     */
    @Test
    void aDamagedFrameInTheWriteAheadLogIsRefused() throws Exception {
        Path out = damagedConvert("wal", cp -> {
            Path keep = dir.resolve("wal-copy");
            Files.createDirectories(keep);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cp); Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = 0");
                for (int i = 0; i < 10; i++) {
                    st.executeUpdate("UPDATE asset SET tries = tries");
                    st.executeUpdate("CREATE TABLE IF NOT EXISTS padding (t TEXT)");
                    st.executeUpdate("INSERT INTO padding VALUES (printf('%03000d', " + i + "))");
                }
                Files.copy(cp, keep.resolve("checkpoint.db"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(cp.resolveSibling("checkpoint.db-wal"), keep.resolve("checkpoint.db-wal"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(keep.resolve("checkpoint.db"), cp, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(keep.resolve("checkpoint.db-wal"), cp.resolveSibling("checkpoint.db-wal"),
                    StandardCopyOption.REPLACE_EXISTING);
            overwrite(cp.resolveSibling("checkpoint.db-wal"), 32 + 24 + 1000, 32);
        });
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        assertThat(cp.resolveSibling("checkpoint.db-wal")).exists();
        assertRefused(cp, "write-ahead log", convert(out));
        assertRefused(cp, "write-ahead log", "status", out.toString());
        assertFreshStartsOver(out, cp, convert(out));
    }

    @Test
    void aCheckpointOfAnotherJobKindInTheSameOutdirIsRefusedNamingTheKindAndFresh() throws Exception {
        RasterFixture.assumeGdal();
        Path tif = RasterFixture.geotiff(dir.resolve("raster"), "scene", 300, 200, 1, "Byte", "EPSG:32633", 500000,
                5400000, 503000, 5398000, null, 3L, "TILED=YES");
        Path out = damagedConvert("kind", cp -> { });
        Path cp = out.resolve(".cairn").resolve("checkpoint.db");
        String before = sha256(checkpointFiles(cp));
        CliProcess.Result warp = cairn("warp", tif.toString(), "-o", out.toString(), "--to", "EPSG:3857");
        assertThat(warp.exitCode()).as(warp.stderr()).isEqualTo(2);
        assertThat(warp.event("usage_error").get("message").asText()).contains("job kind: convert → warp").contains("--fresh");
        assertThat(sha256(checkpointFiles(cp))).isEqualTo(before);
    }

    @Test
    void aDamagedCheckpointOfTilesIntoOneMbtilesFileIsRefusedAndFreshStartsOver() throws Exception {
        RasterFixture.assumeGdal();
        Path tif = RasterFixture.geotiff(dir.resolve("raster-tiles"), "scene", 400, 300, 3, "Byte", "EPSG:32633",
                500000, 5400000, 504000, 5397000, null, 5L, "TILED=YES");
        Path mbtiles = dir.resolve("out-tiles").resolve("scene.mbtiles");
        String[] tiles = {"tiles", tif.toString(), "-o", mbtiles.toString(), "--zoom", "8-11"};
        CliProcess.Result first = cairn(tiles);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        Path cp = mbtiles.getParent().resolve(".cairn").resolve("scene.mbtiles").resolve(".cairn").resolve("checkpoint.db");
        assertThat(cp).exists();
        truncate(cp, Files.size(cp) / 2);
        assertRefused(cp, "truncated", tiles);
        assertRefused(cp, "truncated", "status", mbtiles.toString());
        List<String> fresh = new ArrayList<>(List.of(tiles));
        fresh.add("--fresh");
        CliProcess.Result again = cairn(fresh.toArray(String[]::new));
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stderr()).contains("checkpoint_set_aside");
    }
}
