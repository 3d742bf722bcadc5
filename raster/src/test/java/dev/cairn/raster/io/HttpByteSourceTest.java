package dev.cairn.raster.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.raster.testing.FaultyHttpServer;
import dev.cairn.raster.testing.FaultyHttpServer.Fault;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpByteSource} against {@link FaultyHttpServer}: bytes, faults, attempts, timeouts, limits, versions. */
@Timeout(10)
class HttpByteSourceTest {
    private static final String FILE = "dem.tif";
    private static final int SIZE = 1_000_003;
    /** Longer than the small reads served from cached blocks: each read is one request. */
    private static final int BIG = HttpByteSource.SMALL_READ + 1000;

    /**
     * Short backoffs, so that a test of faults takes well under a second; timeouts long enough that
     * a busy machine does not add attempts to the ones counted.
     */
    private static final IoOptions FAST = new IoOptions(4, Duration.ofSeconds(2), Duration.ofSeconds(2), 4,
            Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(3));
    /** A request timeout of 300 ms, for the tests of stalled bodies. */
    private static final IoOptions IMPATIENT = FAST.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300));

    @TempDir
    Path dir;
    FaultyHttpServer server;
    byte[] content;

    @BeforeEach
    void serve() throws IOException {
        content = randomBytes(SIZE, 42);
        Files.write(dir.resolve(FILE), content);
        server = FaultyHttpServer.serving(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void randomRangesReadFromEightThreadsEqualTheFileBytes() throws Exception {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            assertThat(s.size()).isEqualTo(SIZE);
            assertThat(s.name()).isEqualTo(server.url(FILE));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> checked = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                checked.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 60; i++) {
                        int length = r.nextBoolean() ? r.nextInt(HttpByteSource.SMALL_READ + 1) : r.nextInt(70_000);
                        long offset = r.nextInt(SIZE - length + 1);
                        assertSameBytes(s.read(offset, length), offset, length);
                    }
                    return 60;
                }));
            }
            for (Future<Integer> f : checked) {
                assertThat(f.get()).isEqualTo(60);
            }
            pool.shutdown();
            assertSameBytes(s.read(SIZE - 1, 1), SIZE - 1, 1);
            assertSameBytes(s.read(0, SIZE), 0, SIZE);
        }
    }

    @Test
    void aReadBeyondTheSizeIsAnEofExceptionAndSendsNoRequest() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            assertThatThrownBy(() -> s.read(SIZE - 10, 11)).isInstanceOf(EOFException.class)
                    .hasMessageContaining(server.url(FILE)).hasMessageContaining("offset " + (SIZE - 10))
                    .hasMessageContaining("the file has " + SIZE + " bytes");
            assertThatThrownBy(() -> s.read(Long.MAX_VALUE - 5, 1_000_000)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> s.read(-1, 10)).isInstanceOf(EOFException.class);
            assertThat(server.requests(FILE)).isEqualTo(1);
        }
    }

    @Test
    void smallReadsInTheFirst16KiBAreServedByTheProbeAlone() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            for (int offset = 0; offset + 200 <= HttpByteSource.BLOCK; offset += 97) {
                assertSameBytes(s.read(offset, 200), offset, 200);
            }
            assertThat(server.requests(FILE)).isEqualTo(1);
            // a caller decoding in place does not change what the next caller reads
            ByteBuffer mine = s.read(0, 100);
            mine.put(0, (byte) (mine.get(0) + 1));
            assertSameBytes(s.read(0, 100), 0, 100);
            // a small read across the block boundary fetches the second block only, once
            assertSameBytes(s.read(HttpByteSource.BLOCK - 100, 300), HttpByteSource.BLOCK - 100, 300);
            assertSameBytes(s.read(HttpByteSource.BLOCK + 500, 300), HttpByteSource.BLOCK + 500, 300);
            assertThat(server.requests(FILE)).isEqualTo(2);
            assertThat(server.log().get(1).range()).isEqualTo("bytes=16384-32767");
        }
    }

    @Test
    void threeServiceUnavailableAnswersAreRetriedAndTheFourthAttemptSucceeds() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.times(3, Fault.status(503)));
            assertSameBytes(s.read(200_000, BIG), 200_000, BIG);
            assertThat(server.requests(FILE)).isEqualTo(1 + 4);
            assertThat(server.log().stream().map(FaultyHttpServer.Request::status))
                    .containsExactly(206, 503, 503, 503, 206);
        }
    }

    @Test
    void aServerErrorOnEveryAttemptGivesUpNamingTheAttemptsAndTheLastError() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.status(502), Fault.status(500), Fault.status(504), Fault.status(503));
            assertThatThrownBy(() -> s.read(200_000, BIG))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(RemoteSourceException.class)
                    .hasMessage(server.url(FILE) + ": gave up after 4 attempts of GET bytes=200000-"
                            + (200_000 + BIG - 1) + "; last error: TransientHttpException: " + server.url(FILE)
                            + ": HTTP 503 Service Unavailable");
            assertThat(server.requests(FILE)).isEqualTo(1 + 4);
        }
    }

    @Test
    void tooManyRequestsWaitsTheRetryAfterTheServerAsks() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.retryAfter(429, 1));
            long t0 = System.nanoTime();
            assertSameBytes(s.read(300_000, BIG), 300_000, BIG);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(1000).isLessThan(3000);
            assertThat(server.requests(FILE)).isEqualTo(1 + 2);
        }
    }

    @Test
    void aRetryAfterLongerThanTheCapWaitsOnlyTheCap() throws IOException {
        IoOptions capped = FAST.withRetries(4, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(100));
        try (ByteSource s = ByteSources.open(server.url(FILE), capped)) {
            server.inject(FILE, Fault.retryAfter(503, 30));
            long t0 = System.nanoTime();
            assertSameBytes(s.read(300_000, BIG), 300_000, BIG);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(100).isLessThan(1000);
            assertThat(server.requests(FILE)).isEqualTo(1 + 2);
        }
    }

    @Test
    void aConnectionDroppedMidBodyIsRetried() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.resetMidBody(), Fault.resetMidBody());
            assertSameBytes(s.read(500_000, 100_000), 500_000, 100_000);
            assertThat(server.requests(FILE)).isEqualTo(1 + 3);
        }
    }

    @Test
    void aBodyStalledLongerThanTheRequestTimeoutTimesOutAndIsRetried() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), IMPATIENT)) {
            server.inject(FILE, Fault.stallMidBody(Duration.ofSeconds(8)));
            long t0 = System.nanoTime();
            assertSameBytes(s.read(500_000, 100_000), 500_000, 100_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(300).isLessThan(1500);
            assertThat(server.requests(FILE)).isEqualTo(1 + 2);
        }
    }

    @Test
    void aBodyStalledOnEveryAttemptFailsWithinTheConfiguredTimeouts() throws IOException {
        IoOptions twoAttempts = IMPATIENT.withRetries(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ZERO);
        try (ByteSource s = ByteSources.open(server.url(FILE), twoAttempts)) {
            server.inject(FILE, Fault.times(2, Fault.stallMidBody(Duration.ofSeconds(8))));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.read(500_000, 100_000))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("gave up after 2 attempts")
                    .hasMessageContaining("no byte of the body for 300 ms after 50000 of 100000 bytes");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(600).isLessThan(2000);
            assertThat(server.requests(FILE)).isEqualTo(1 + 2);
        }
    }

    @Test
    void aResponseWhoseHeadersDoNotComeWithinTheRequestTimeoutIsRetried() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), IMPATIENT)) {
            server.inject(FILE, Fault.delay(Duration.ofSeconds(3)));
            long t0 = System.nanoTime();
            assertSameBytes(s.read(600_000, BIG), 600_000, BIG);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(300).isLessThan(1500);
            assertThat(server.requests(FILE)).isEqualTo(1 + 2);
        }
    }

    @Test
    void aServerThatRefusesConnectionsIsTriedMaxAttemptsTimesAtOpen() throws IOException {
        String url;
        try (FaultyHttpServer gone = FaultyHttpServer.serving(dir)) {
            url = gone.url(FILE);
        }
        assertThatThrownBy(() -> ByteSources.open(url, FAST))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(RemoteSourceException.class)
                .hasMessageStartingWith(url + ": gave up after 4 attempts of GET bytes=0-16383; last error: ConnectException");
    }

    @Test
    void aMissingFileFailsAtOpenPermanentlyAfterOneRequest() {
        String url = server.url("missing/dem.tif");
        assertThatThrownBy(() -> ByteSources.open(url, FAST))
                .isInstanceOfSatisfying(RemoteSourceException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.url()).isEqualTo(url);
                    assertThat(e.isPermanent()).isTrue();
                })
                .hasMessage(url + ": HTTP 404 Not Found");
        assertThat(server.requests("missing/dem.tif")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 410})
    void aClientErrorDuringReadsIsPermanentAndNotRetried(int status) throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.status(status));
            assertThatThrownBy(() -> s.read(100_000, BIG))
                    .isInstanceOfSatisfying(RemoteSourceException.class, e -> assertThat(e.status()).isEqualTo(status))
                    .hasMessageStartingWith(server.url(FILE) + ": HTTP " + status + " ");
            assertThat(server.requests(FILE)).isEqualTo(1 + 1);
        }
    }

    @Test
    void aServerIgnoringRangeOnASmallFileIsDownloadedOnceAndServesEveryRead() throws IOException {
        server.ignoreRange(FILE, true);
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            assertThat(s.size()).isEqualTo(SIZE);
            Random r = new Random(7);
            for (int i = 0; i < 50; i++) {
                int length = r.nextInt(50_000);
                long offset = r.nextInt(SIZE - length + 1);
                assertSameBytes(s.read(offset, length), offset, length);
            }
            ByteBuffer mine = s.read(1000, 10);
            mine.put(0, (byte) (mine.get(0) + 1));
            assertSameBytes(s.read(1000, 10), 1000, 10);
            assertThat(server.requests(FILE)).isEqualTo(1);
            assertThat(server.log().get(0).status()).isEqualTo(200);
        }
    }

    @Test
    void aServerIgnoringRangeOnAFileTooBigToDownloadIsAPermanentError() throws IOException {
        Files.write(dir.resolve("big.tif"), new byte[(int) HttpByteSource.WHOLE_FILE_LIMIT + 1]);
        server.ignoreRange("big.tif", true);
        assertThatThrownBy(() -> ByteSources.open(server.url("big.tif"), FAST))
                .isInstanceOf(RemoteSourceException.class)
                .hasMessageStartingWith(server.url("big.tif") + ": the server ignores range requests (it answered 200"
                        + " with the whole body of " + (HttpByteSource.WHOLE_FILE_LIMIT + 1) + " bytes)");
        assertThat(server.requests("big.tif")).isEqualTo(1);
    }

    @Test
    void aFileReplacedBetweenRequestsIsASourceChangedExceptionAndANewSourceSeesTheNewVersion() throws IOException {
        byte[] replacement = randomBytes(SIZE, 43);
        String before;
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            before = s.version();
            assertThat(before).startsWith("etag=\"").endsWith(";size=" + SIZE);
            server.inject(FILE, Fault.replaceFile(replacement));
            assertThatThrownBy(() -> s.read(200_000, BIG))
                    .isInstanceOfSatisfying(SourceChangedException.class, e -> {
                        assertThat(e.versionBefore()).isEqualTo(before);
                        assertThat(e.versionNow()).isNotEqualTo(before).startsWith("etag=");
                    })
                    .hasMessageContaining(server.url(FILE) + ": the file changed while it was being read");
            assertThat(server.requests(FILE)).isEqualTo(1 + 1);
        }
        try (ByteSource again = ByteSources.open(server.url(FILE), FAST)) {
            assertThat(again.version()).isNotEqualTo(before);
            ByteBuffer b = again.read(200_000, BIG);
            assertThat(toArray(b)).isEqualTo(Arrays.copyOfRange(replacement, 200_000, 200_000 + BIG));
        }
    }

    @Test
    void aFileThatShrankBetweenRequestsIsASourceChangedException() throws IOException {
        try (ByteSource s = ByteSources.open(server.url(FILE), FAST)) {
            server.inject(FILE, Fault.replaceFile(new byte[100_000]));
            assertThatThrownBy(() -> s.read(200_000, BIG)).isInstanceOf(SourceChangedException.class);
        }
    }

    @Test
    void requestsInFlightNeverExceedTheIoConcurrency() throws Exception {
        server.latency(Duration.ofMillis(20));
        IoOptions three = FAST.withIoConcurrency(3);
        try (ByteSource s = ByteSources.open(server.url(FILE), three)) {
            readInParallel(List.of(s), 12, 8);
        }
        assertThat(server.maxInFlight()).isEqualTo(3);
    }

    @Test
    void sourcesOpenedThroughOneByteSourcesShareOneLimit() throws Exception {
        Files.write(dir.resolve("b.tif"), content);
        server.latency(Duration.ofMillis(20));
        ByteSources shared = ByteSources.sharing(FAST.withIoConcurrency(2));
        try (ByteSource a = shared.open(server.url(FILE)); ByteSource b = shared.open(server.url("b.tif"))) {
            readInParallel(List.of(a, b), 12, 6);
        }
        assertThat(server.maxInFlight()).isEqualTo(2);
    }

    @Test
    void anEmptyRemoteFileHasSizeZeroAndOnlyAnEmptyRead() throws IOException {
        Files.write(dir.resolve("empty.tif"), new byte[0]);
        try (ByteSource s = ByteSources.open(server.url("empty.tif"), FAST)) {
            assertThat(s.size()).isZero();
            assertThat(s.read(0, 0).remaining()).isZero();
            assertThatThrownBy(() -> s.read(0, 1)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void readsAfterCloseFailWithoutARequest() throws IOException {
        ByteSource s = ByteSources.open(server.url(FILE), FAST);
        s.close();
        assertThatThrownBy(() -> s.read(0, 10)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(server.requests(FILE)).isEqualTo(1);
    }

    private void readInParallel(List<ByteSource> sources, int threads, int readsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ByteSource s = sources.get(t % sources.size());
            int seed = t;
            all.add(pool.submit(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < readsPerThread; i++) {
                    long offset = r.nextInt(SIZE - BIG);
                    assertSameBytes(s.read(offset, BIG), offset, BIG);
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
    }

    private void assertSameBytes(ByteBuffer b, long offset, int length) {
        assertThat(b.position()).isZero();
        assertThat(b.remaining()).isEqualTo(length);
        assertThat(toArray(b)).isEqualTo(Arrays.copyOfRange(content, (int) offset, (int) offset + length));
    }

    static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
