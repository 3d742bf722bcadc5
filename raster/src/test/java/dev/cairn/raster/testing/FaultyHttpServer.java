package dev.cairn.raster.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server for tests that serves the files of one directory the way an object store does
 * (GET and HEAD, single {@code Range: bytes=a-b | a- | -n} requests answered 206 with
 * {@code Content-Range}, a strong ETag from size, modification time and a replacement count, Last-Modified) and injects faults on
 * request, by path.
 *
 * <pre>
 *   try (FaultyHttpServer server = FaultyHttpServer.serving(dir)) {
 *       server.inject("dem.tif", Fault.status(503), Fault.status(503));  // the next two requests fail
 *       server.inject("dem.tif", Fault.stallMidBody(Duration.ofSeconds(5)));
 *       ByteSource s = ByteSources.open(server.url("dem.tif"), options);
 *       ...
 *       assertThat(server.requests("dem.tif")).isEqualTo(4);
 *       assertThat(server.maxInFlight()).isLessThanOrEqualTo(3);
 *   }
 * </pre>
 *
 * <p>Faults are queued per path; each request to the path takes the next one, and requests find
 * an empty queue served normally. Modes ({@link #ignoreRange}, {@link #latency}) hold until changed.
 * A request is "in flight" from its arrival until the last byte of its body is handed to the
 * socket: {@link #maxInFlight()} is the highest number seen at once. Thread-safe; handlers run on
 * a cached pool, so a stalled response does not hold up the others. Bound to 127.0.0.1 only.
 */
public final class FaultyHttpServer implements AutoCloseable {

    /** One scripted misbehaviour, consumed by one request. */
    public sealed interface Fault {
        /** Answers {@code status} with a short text body instead of the file. */
        static Fault status(int status) {
            return new Status(status, null);
        }

        /** Answers {@code status} (429 or 503) with {@code Retry-After: seconds}. */
        static Fault retryAfter(int status, int seconds) {
            return new Status(status, seconds);
        }

        /** Sends the headers and half the body, then drops the connection. */
        static Fault resetMidBody() {
            return new ResetMidBody();
        }

        /** Sends the headers and half the body, then sends nothing for {@code stall}, then drops the connection. */
        static Fault stallMidBody(Duration stall) {
            return new StallMidBody(stall);
        }

        /** Replaces the file with {@code content} (new ETag and Last-Modified) before serving this request. */
        static Fault replaceFile(byte[] content) {
            return new ReplaceFile(content);
        }

        /** Waits {@code delay} before answering this request normally. */
        static Fault delay(Duration delay) {
            return new Delay(delay);
        }

        /** The same fault {@code n} times. */
        static Fault[] times(int n, Fault fault) {
            Fault[] all = new Fault[n];
            Arrays.fill(all, fault);
            return all;
        }
    }

    record Status(int status, Integer retryAfterSeconds) implements Fault {
    }

    record ResetMidBody() implements Fault {
    }

    record StallMidBody(Duration stall) implements Fault {
    }

    record ReplaceFile(byte[] content) implements Fault {
    }

    record Delay(Duration delay) implements Fault {
    }

    /** A request as the server saw it: method, path, Range header (or null), status sent. */
    public record Request(String method, String path, String range, int status) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Path root;
    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final Set<String> rangeIgnored = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> requestsByPath = new ConcurrentHashMap<>();
    private final List<Request> log = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> replacements = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;

    private FaultyHttpServer(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "faulty-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server on a free port of 127.0.0.1 serving the files under {@code root}. */
    public static FaultyHttpServer serving(Path root) throws IOException {
        return new FaultyHttpServer(root);
    }

    /** {@code http://127.0.0.1:PORT/relativePath}. */
    public String url(String relativePath) {
        return uri(relativePath).toString();
    }

    public URI uri(String relativePath) {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/" + relativePath);
    }

    /** Queues {@code script} for the next requests to {@code relativePath}, one fault per request. */
    public void inject(String relativePath, Fault... script) {
        synchronized (faults) {
            Deque<Fault> q = faults.computeIfAbsent("/" + relativePath, k -> new ArrayDeque<>());
            q.addAll(List.of(script));
        }
    }

    /** From now on, answers every GET of {@code relativePath} with 200 and the whole file, as if Range were unknown. */
    public void ignoreRange(String relativePath, boolean ignore) {
        if (ignore) {
            rangeIgnored.add("/" + relativePath);
        } else {
            rangeIgnored.remove("/" + relativePath);
        }
    }

    /** Waits {@code d} before answering every request (to let concurrent requests overlap). */
    public void latency(Duration d) {
        latency = d;
    }

    /** Requests received for {@code relativePath} so far. */
    public int requests(String relativePath) {
        AtomicInteger n = requestsByPath.get("/" + relativePath);
        return n == null ? 0 : n.get();
    }

    /** Every request so far, in the order they were answered. */
    public List<Request> log() {
        return List.copyOf(log);
    }

    /** The most requests ever in flight at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Forgets the counts and the log (not the queued faults). */
    public void resetCounts() {
        requestsByPath.clear();
        log.clear();
        maxInFlight.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        String path = ex.getRequestURI().getPath();
        requestsByPath.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 0;
        boolean[] logged = {false};
        try (ex) {
            sleep(latency);
            Fault fault;
            synchronized (faults) {
                Deque<Fault> q = faults.get(path);
                fault = q == null ? null : q.poll();
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root)) {
                status = send(ex, path, range, logged, 403, "outside the served directory");
                return;
            }
            if (fault instanceof ReplaceFile r) {
                Files.write(file, r.content());
                replacements.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            } else if (fault instanceof Delay d) {
                sleep(d.delay());
            } else if (fault instanceof Status s) {
                if (s.retryAfterSeconds() != null) {
                    ex.getResponseHeaders().set("Retry-After", String.valueOf(s.retryAfterSeconds()));
                }
                status = send(ex, path, range, logged, s.status(), "injected fault");
                return;
            }
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                status = send(ex, path, range, logged, 404, "no such file");
                return;
            }
            long size = attrs.size();
            var h = ex.getResponseHeaders();
            h.set("Accept-Ranges", "bytes");
            h.set("ETag", etag(path, attrs));
            h.set("Last-Modified", HTTP_DATE.format(attrs.lastModifiedTime().toInstant()));
            h.set("Content-Type", "application/octet-stream");
            long first = 0;
            long last = size - 1;
            status = 200;
            if (range != null && !rangeIgnored.contains(path)) {
                Matcher m = RANGE.matcher(range.trim());
                if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                    status = send(ex, path, range, logged, 400, "bad Range " + range);
                    return;
                }
                if (m.group(1).isEmpty()) {
                    first = Math.max(0, size - Long.parseLong(m.group(2)));
                } else {
                    first = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        last = Math.min(last, Long.parseLong(m.group(2)));
                    }
                }
                if (first >= size || last < first) {
                    h.set("Content-Range", "bytes */" + size);
                    status = send(ex, path, range, logged, 416, "range not satisfiable");
                    return;
                }
                h.set("Content-Range", "bytes " + first + "-" + last + "/" + size);
                status = 206;
            }
            int length = (int) (last - first + 1);
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (head || length == 0) {
                record(ex, path, range, status, logged);
            }
            ex.sendResponseHeaders(status, head ? -1 : (length == 0 ? -1 : length));
            if (head || length == 0) {
                return;
            }
            byte[] body = new byte[length];
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer buf = ByteBuffer.wrap(body);
                while (buf.hasRemaining() && ch.read(buf, first + buf.position()) >= 0) {
                    // positional reads until the range is in
                }
            }
            OutputStream out = ex.getResponseBody();
            if (fault instanceof ResetMidBody || fault instanceof StallMidBody) {
                record(ex, path, range, status, logged);
                out.write(body, 0, length / 2);
                out.flush();
                if (fault instanceof StallMidBody s) {
                    sleep(s.stall());
                }
                // closing short of Content-Length makes the server drop the connection
                return;
            }
            out.write(body, 0, length - 1);
            out.flush();
            // leave the in-flight count before the client can have the last byte
            inFlight.decrementAndGet();
            counted = false;
            record(ex, path, range, status, logged); // in the log before the client can have the last byte
            out.write(body, length - 1, 1);
        } catch (IOException | UncheckedIOException e) {
            // the client went away or the fault dropped the connection: nothing to answer
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
            record(ex, path, range, status, logged);
        }
    }

    /** Adds the request to the log once, before its answer can reach the client (a test may read the log then). */
    private void record(HttpExchange ex, String path, String range, int status, boolean[] logged) {
        if (!logged[0]) {
            logged[0] = true;
            log.add(new Request(ex.getRequestMethod(), path, range, status));
        }
    }

    private int send(HttpExchange ex, String path, String range, boolean[] logged, int status, String text)
            throws IOException {
        record(ex, path, range, status, logged);
        return send(ex, status, text);
    }

    private static int send(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        return status;
    }

    private String etag(String path, BasicFileAttributes a) {
        AtomicInteger n = replacements.get(path);
        long mtime = a.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        return "\"" + Long.toHexString(a.size()) + "-" + Long.toHexString(mtime) + "-" + (n == null ? 0 : n.get()) + "\"";
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
