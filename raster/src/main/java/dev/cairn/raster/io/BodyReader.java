package dev.cairn.raster.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a response body with a read timeout, which the JDK's {@code HttpClient} lacks: its request
 * timeout ends when the response headers arrive, and a server that stalls in the middle of a body
 * would leave {@code InputStream.read} blocked for ever. A watchdog on one shared daemon thread
 * closes the stream when no byte arrived for the timeout; closing cancels the exchange (the
 * connection is dropped), the blocked read returns, and the caller gets an
 * {@link HttpTimeoutException} (transient: retried).
 */
final class BodyReader {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-http-body-watchdog");
        t.setDaemon(true);
        return t;
    });

    private BodyReader() {
    }

    /**
     * Reads exactly {@code length} bytes of {@code in} into a new array.
     *
     * @param what names the request in messages ({@code https://host/dem.tif bytes=0-16383})
     */
    static byte[] readFully(InputStream in, int length, Duration idleTimeout, String what) throws IOException {
        byte[] dst = new byte[length];
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean timedOut = new AtomicBoolean();
        long idleNanos = idleTimeout.toNanos();
        long period = Math.max(5, idleTimeout.toMillis() / 4);
        ScheduledFuture<?> check = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (!timedOut.get() && System.nanoTime() - lastProgress.get() > idleNanos) {
                timedOut.set(true);
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all we wanted; the reader sees the timeout flag
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        int done = 0;
        try {
            while (done < length) {
                int n;
                try {
                    n = in.read(dst, done, length - done);
                } catch (IOException e) {
                    if (timedOut.get()) {
                        throw stalled(what, done, length, idleTimeout);
                    }
                    throw e;
                }
                if (n < 0) {
                    if (timedOut.get()) {
                        throw stalled(what, done, length, idleTimeout);
                    }
                    throw new IOException(what + ": the connection ended after " + done + " of " + length
                            + " bytes of the body");
                }
                done += n;
                lastProgress.set(System.nanoTime());
            }
        } finally {
            check.cancel(false);
        }
        return dst;
    }

    private static HttpTimeoutException stalled(String what, int done, int length, Duration timeout) {
        return new HttpTimeoutException(what + ": no byte of the body for " + timeout.toMillis()
                + " ms after " + done + " of " + length + " bytes (request timeout)");
    }
}
