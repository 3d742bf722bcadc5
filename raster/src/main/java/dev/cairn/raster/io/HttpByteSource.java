package dev.cairn.raster.io;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote file read with HTTP range requests ({@code Range: bytes=a-b}), the way a
 * Cloud-Optimized GeoTIFF is meant to be read.
 *
 * <p>Opening sends one probe, {@code GET Range: bytes=0-16383}: its {@code Content-Range} total is
 * the size, its ETag / Last-Modified the {@link #version()}, its body the first cached block (a
 * COG's header and IFDs live there). Servers differ, so:
 * <pre>
 *   answer to a range request       what happens
 *   206 + Content-Range              the bytes; ETag, Last-Modified and total must equal the probe's, else SourceChangedException
 *   200 (Range ignored)              file ≤ 8 MiB: the whole body is kept and every read served from it (one request in all);
 *                                    larger: RemoteSourceException (permanent), naming the size and the rule
 *   416 on the probe                 an empty file when Content-Range says "bytes * /0"; later: the file shrank → SourceChangedException
 *   412                              SourceChangedException
 *   408, 429, 5xx but 501/505        transient: retried; on 429/503 a Retry-After (capped by IoOptions.retryAfterMax)
 *                                    replaces the backoff: the wait is at least it, at most 5/3 of it (jitter)
 *   any other status                 RemoteSourceException "https://…/dem.tif: HTTP 404 Not Found" (permanent)
 *   timeout, reset, short body       transient: retried
 * </pre>
 *
 * <p>Retries: Failsafe, exponential backoff from {@link IoOptions#backoffBase()} to
 * {@link IoOptions#backoffMax()} with ±25 % jitter, at most {@link IoOptions#maxAttempts()} attempts
 * per read; then an {@link IOException} saying how many attempts were made and the last error.
 * Timeouts: {@link IoOptions#connectTimeout()} for the connection, {@link IoOptions#requestTimeout()}
 * until the headers arrive and again as the longest silence inside a body ({@link BodyReader}).
 *
 * <p>Concurrency: thread-safe. Each attempt holds one permit of a {@link Semaphore} (per source,
 * or shared by every source of one {@link ByteSources}) from sending to the last byte read, so at
 * most {@link IoOptions#ioConcurrency()} requests are in flight; backoff waits hold none.
 *
 * <p>Coalescing: reads of at most 4 KiB (TIFF headers, IFD entries, offset arrays, read in many
 * small pieces) are served from 16 KiB-aligned blocks fetched once and kept in an LRU of 64 blocks
 * (1 MiB per source). Larger reads go to the network as they are; the caller decides their size.
 * Every read returns a buffer of its own (cached bytes are copied out), so a caller may decode in place.
 *
 * <p>Hand-written over the JDK's client rather than a library because what is needed (range GETs,
 * status classes, a body read timeout) is small, and the JDK's client brings no dependency.
 */
final class HttpByteSource implements ByteSource {
    static final int BLOCK = 16 * 1024;
    static final int SMALL_READ = 4 * 1024;
    static final int CACHED_BLOCKS = 64;
    static final long WHOLE_FILE_LIMIT = 8L * 1024 * 1024;
    static final double JITTER = 0.25;

    private final String name;
    private final URI uri;
    private final HttpClient client;
    private final Semaphore permits;
    private final IoOptions options;
    private final RetryPolicy<Object> retry;
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };
    // set once by open() before the source is handed out; volatile for the readers' threads
    private volatile Validator validator;
    private volatile long size;
    private volatile byte[] whole;
    private volatile boolean closed;

    /** What identifies the file's content: compared on every response. */
    private record Validator(String etag, String lastModified, long size) {
        String version() {
            if (etag != null) {
                return "etag=" + etag + ";size=" + size;
            }
            if (lastModified != null) {
                return "last-modified=" + lastModified + ";size=" + size;
            }
            return "size=" + size;
        }

        boolean sameFileAs(Validator o) {
            if (size != o.size) {
                return false;
            }
            if (etag != null && o.etag != null) {
                return etag.equals(o.etag);
            }
            return lastModified == null || o.lastModified == null || lastModified.equals(o.lastModified);
        }
    }

    /** One answered request: the bytes from {@code first}, and the identity of the file they came from. */
    private record Fetched(long first, byte[] body, boolean wholeFile, Validator validator) {
    }

    private HttpByteSource(String name, URI uri, HttpClient client, Semaphore permits, IoOptions options) {
        this.name = name;
        this.uri = uri;
        this.client = client;
        this.permits = permits;
        this.options = options;
        this.retry = RetryPolicy.builder()
                .handleIf((result, failure) -> failure != null && isTransient(failure))
                .withMaxAttempts(options.maxAttempts())
                .withBackoff(options.backoffBase(), options.backoffMax())
                .withJitter(JITTER)
                .withDelayFnOn(ctx -> retryAfter(ctx.getLastException()), TransientHttpException.class)
                .build();
    }

    /** Opens {@code uri} with the probe request (retried like any read); a 404 fails here. */
    static HttpByteSource open(String name, URI uri, HttpClient client, Semaphore permits, IoOptions options)
            throws IOException {
        HttpByteSource s = new HttpByteSource(name, uri, client, permits, options);
        Fetched probe = s.withRetries(0, BLOCK, true);
        s.validator = probe.validator();
        s.size = probe.validator().size();
        if (probe.wholeFile()) {
            s.whole = probe.body();
        } else if (probe.body().length > 0) {
            s.blocks.put(0L, probe.body());
        }
        return s;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String version() {
        return validator.version();
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        if (closed) {
            throw new IOException(name + ": the source is closed");
        }
        Ranges.check(name, offset, length, size);
        byte[] all = whole;
        if (all != null) {
            return copy(all, offset, length);
        }
        if (length == 0) {
            return ByteBuffer.allocate(0);
        }
        if (length <= SMALL_READ) {
            return fromBlocks(offset, length);
        }
        Fetched f = withRetries(offset, length, false);
        return slice(f, offset, length);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (blocks) {
            blocks.clear();
        }
        whole = null;
    }

    @Override
    public String toString() {
        return "HttpByteSource[" + name + "]";
    }

    private ByteBuffer fromBlocks(long offset, int length) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(length);
        long pos = offset;
        while (out.hasRemaining()) {
            long index = pos / BLOCK;
            byte[] block = block(index);
            if (block == null) {
                // the server switched to whole bodies (Range ignored) after the probe
                return copy(whole, offset, length);
            }
            int inBlock = (int) (pos - index * BLOCK);
            int n = Math.min(out.remaining(), block.length - inBlock);
            out.put(block, inBlock, n);
            pos += n;
        }
        return out.flip();
    }

    private byte[] block(long index) throws IOException {
        synchronized (blocks) {
            byte[] b = blocks.get(index);
            if (b != null) {
                return b;
            }
        }
        long first = index * BLOCK;
        int length = (int) Math.min(BLOCK, size - first);
        Fetched f = withRetries(first, length, false);
        if (f.wholeFile()) {
            return null;
        }
        synchronized (blocks) {
            blocks.put(index, f.body());
        }
        return f.body();
    }

    private ByteBuffer slice(Fetched f, long offset, int length) {
        if (f.wholeFile()) {
            return copy(f.body(), offset, length);
        }
        return ByteBuffer.wrap(f.body(), 0, length); // a fresh body, the caller's alone
    }

    /** Cached bytes are copied out: a caller may decode in place (undoing a predictor) and must not change the cache. */
    private static ByteBuffer copy(byte[] from, long offset, int length) {
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put(from, (int) offset, length);
        return out.flip();
    }

    /** One read, retried on transient failures; the probe learns the size instead of checking it. */
    private Fetched withRetries(long offset, int length, boolean probe) throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        String what = uri + " bytes=" + offset + "-" + (offset + length - 1);
        try {
            return Failsafe.with(retry).get(ctx -> {
                attempts.incrementAndGet();
                return attempt(offset, length, probe, what);
            });
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException(what + ": interrupted while waiting to retry");
                ie.initCause(cause);
                throw ie;
            }
            if (cause instanceof IOException io) {
                if (isTransient(io)) {
                    throw new IOException(name + ": gave up after " + attempts.get() + " attempts of GET bytes="
                            + offset + "-" + (offset + length - 1) + "; last error: " + describe(io), io);
                }
                throw io;
            }
            throw e;
        }
    }

    private Fetched attempt(long offset, int length, boolean probe, String what) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(options.requestTimeout())
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1))
                .GET();
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            rb.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP servers
        }
        HttpRequest request = rb.build();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException(what + ": interrupted").initCause(e);
        }
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                return answer(response, in, offset, length, probe, what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException(what + ": interrupted").initCause(e);
        } finally {
            permits.release();
        }
    }

    private Fetched answer(HttpResponse<InputStream> r, InputStream in, long offset, int length, boolean probe,
            String what) throws IOException {
        int status = r.statusCode();
        String etag = r.headers().firstValue("ETag").orElse(null);
        String lastModified = r.headers().firstValue("Last-Modified").orElse(null);
        ContentRange range = ContentRange.parse(r.headers().firstValue("Content-Range").orElse(null));
        switch (status) {
            case 206 -> {
                if (range == null || range.total() < 0) {
                    throw new RemoteSourceException(name, status, name + ": the server answered a range request"
                            + " with Content-Range " + r.headers().firstValue("Content-Range").orElse("(none)")
                            + "; expected bytes FIRST-LAST/TOTAL");
                }
                Validator v = check(new Validator(etag, lastModified, range.total()), probe);
                long expectedLast = probe ? Math.min(length, range.total()) - 1 : offset + length - 1;
                if (range.first() != offset || range.last() != expectedLast) {
                    throw new IOException(what + ": the server sent Content-Range " + range.first() + "-"
                            + range.last() + "/" + range.total());
                }
                byte[] body = BodyReader.readFully(in, (int) range.length(), options.requestTimeout(), what);
                return new Fetched(offset, body, false, v);
            }
            case 200 -> {
                OptionalLong declared = r.headers().firstValueAsLong("Content-Length");
                if (declared.isEmpty() || declared.getAsLong() > WHOLE_FILE_LIMIT) {
                    throw new RemoteSourceException(name, status, name + ": the server ignores range requests"
                            + " (it answered 200 with the whole body of "
                            + (declared.isPresent() ? declared.getAsLong() + " bytes" : "unknown length")
                            + "); cairn downloads whole only files up to " + WHOLE_FILE_LIMIT
                            + " bytes. Serve the file from a server with range support (any object store does)");
                }
                Validator v = check(new Validator(etag, lastModified, declared.getAsLong()), probe);
                byte[] body = BodyReader.readFully(in, (int) declared.getAsLong(), options.requestTimeout(), what);
                whole = body;
                return new Fetched(0, body, true, v);
            }
            case 416 -> {
                if (probe && range != null && range.total() == 0) {
                    return new Fetched(0, new byte[0], false, new Validator(etag, lastModified, 0));
                }
                if (probe) {
                    throw new RemoteSourceException(name, status, name + ": " + HttpStatusText.of(status)
                            + " for the first " + length + " bytes of the file");
                }
                throw new SourceChangedException(name, version(), range == null ? "unknown (HTTP 416)"
                        : "size=" + range.total());
            }
            case 412 -> {
                if (probe) {
                    throw new RemoteSourceException(name, status, name + ": " + HttpStatusText.of(status));
                }
                throw new SourceChangedException(name, version(), "unknown (HTTP 412)");
            }
            default -> {
                if (HttpStatusText.isTransient(status)) {
                    Duration wait = RetryAfter.parse(r.headers().firstValue("Retry-After").orElse(null), Instant.now());
                    throw new TransientHttpException(name + ": " + HttpStatusText.of(status), status, wait);
                }
                throw new RemoteSourceException(name, status, name + ": " + HttpStatusText.of(status));
            }
        }
    }

    /** The probe's answer defines the file; every later answer must come from the same file. */
    private Validator check(Validator seen, boolean probe) throws SourceChangedException {
        if (!probe && !validator.sameFileAs(seen)) {
            throw new SourceChangedException(name, validator.version(), seen.version());
        }
        return seen;
    }

    private Duration retryAfter(Throwable last) {
        if (last instanceof TransientHttpException t && t.retryAfter() != null
                && (t.status() == 429 || t.status() == 503)) {
            Duration d = t.retryAfter();
            d = d.compareTo(options.retryAfterMax()) > 0 ? options.retryAfterMax() : d;
            // Failsafe jitters this delay too (±JITTER): ask for d / (1 - JITTER) so the wait is never
            // shorter than the server asked, and at most (1 + JITTER) / (1 - JITTER) times it
            return Duration.ofNanos((long) (d.toNanos() / (1 - JITTER)));
        }
        return Duration.ofMillis(-1); // Failsafe: use the backoff
    }

    private static boolean isTransient(Throwable e) {
        return e instanceof IOException
                && !(e instanceof RemoteSourceException)
                && !(e instanceof SourceChangedException)
                && !Thread.currentThread().isInterrupted();
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String type = e.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }
}
