package dev.cairn.raster.io;

import static dev.cairn.raster.io.HttpByteSourceTest.randomBytes;
import static dev.cairn.raster.io.HttpByteSourceTest.toArray;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileByteSource}, opened through {@link ByteSources}: bytes, bounds, versions, interrupts. */
@Timeout(10)
class FileByteSourceTest {
    private static final int SIZE = 777_777;

    @TempDir
    Path dir;

    @Test
    void randomRangesReadFromEightThreadsEqualTheFileBytes() throws Exception {
        byte[] content = randomBytes(SIZE, 1);
        Path file = Files.write(dir.resolve("dem.tif"), content);
        try (ByteSource s = ByteSources.open(file.toString(), IoOptions.defaults())) {
            assertThat(s.size()).isEqualTo(SIZE);
            assertThat(s.name()).isEqualTo(file.toString());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                all.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 500; i++) {
                        int length = r.nextInt(40_000);
                        long offset = r.nextInt(SIZE - length + 1);
                        var b = s.read(offset, length);
                        assertThat(b.position()).isZero();
                        assertThat(toArray(b)).isEqualTo(Arrays.copyOfRange(content, (int) offset, (int) offset + length));
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            pool.shutdown();
            assertThat(toArray(s.read(0, SIZE))).isEqualTo(content);
        }
    }

    @Test
    void aReadBeyondTheSizeIsAnEofExceptionNamingTheFile() throws IOException {
        Path file = Files.write(dir.resolve("dem.tif"), randomBytes(1000, 2));
        try (ByteSource s = ByteSources.open(file.toString(), IoOptions.defaults())) {
            assertThat(s.read(1000, 0).remaining()).isZero();
            assertThat(s.read(999, 1).remaining()).isEqualTo(1);
            assertThatThrownBy(() -> s.read(999, 2)).isInstanceOf(EOFException.class)
                    .hasMessage(file + ": cannot read 2 bytes at offset 999: the file has 1000 bytes"
                            + " (a damaged offset or byte count?)");
            // a damaged offset must not make the source allocate the declared length
            assertThatThrownBy(() -> s.read(4_000_000_000L, Integer.MAX_VALUE)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> s.read(-8, 4)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> s.read(0, -1)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void theVersionChangesWhenTheFileIsRewrittenOrTouched() throws IOException {
        Path file = Files.write(dir.resolve("dem.tif"), randomBytes(1000, 3));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        try (ByteSource s = ByteSources.open(file.toString(), IoOptions.defaults())) {
            String v1 = s.version();
            assertThat(v1).isEqualTo("size=1000;mtime=2024-01-01T00:00:00Z");
            assertThat(s.version()).isEqualTo(v1);
            // same length, new content, a later mtime
            Files.write(file, randomBytes(1000, 4));
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:01Z")));
            String v2 = s.version();
            assertThat(v2).isNotEqualTo(v1).isEqualTo("size=1000;mtime=2024-01-01T00:00:01Z");
            // another length, mtime put back
            Files.write(file, randomBytes(1200, 5));
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
            assertThat(s.version()).isNotIn(v1, v2);
            assertThat(s.size()).isEqualTo(1200);
        }
    }

    @Test
    void anInterruptedReaderFailsAloneAndTheOthersGoOnReading() throws Exception {
        byte[] content = randomBytes(SIZE, 6);
        Path file = Files.write(dir.resolve("dem.tif"), content);
        try (ByteSource s = ByteSources.open(file.toString(), IoOptions.defaults())) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    s.read(0, 1000);
                } catch (Throwable e) {
                    seen.set(e);
                }
            });
            reader.start();
            reader.join();
            assertThat(seen.get()).isInstanceOf(InterruptedIOException.class).hasMessageContaining(file.toString());
            // the interrupt closed the shared channel; the source reopened it
            assertThat(toArray(s.read(100, 5000))).isEqualTo(Arrays.copyOfRange(content, 100, 5100));
        }
    }

    @Test
    void readsAfterCloseFail() throws IOException {
        Path file = Files.write(dir.resolve("dem.tif"), randomBytes(1000, 7));
        ByteSource s = ByteSources.open(file.toString(), IoOptions.defaults());
        s.close();
        assertThatThrownBy(() -> s.read(0, 10)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aFileUriOpensTheLocalFileAndAMissingFileFailsAtOpen() throws IOException {
        byte[] content = randomBytes(5000, 8);
        Path file = Files.write(dir.resolve("dem tif.tif"), content);
        try (ByteSource s = ByteSources.open(file.toUri().toString(), IoOptions.defaults())) {
            assertThat(toArray(s.read(10, 4000))).isEqualTo(Arrays.copyOfRange(content, 10, 4010));
        }
        assertThatThrownBy(() -> ByteSources.open(dir.resolve("nope.tif").toString(), IoOptions.defaults()))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void anUnsupportedSchemeIsAPermanentErrorNamingTheSchemesThatWork() {
        assertThatThrownBy(() -> ByteSources.open("s3://bucket/dem.tif", IoOptions.defaults()))
                .isInstanceOf(RemoteSourceException.class)
                .hasMessage("s3://bucket/dem.tif: unsupported scheme 's3'; cairn reads local paths, file:, http:"
                        + " and https: URLs");
    }
}
