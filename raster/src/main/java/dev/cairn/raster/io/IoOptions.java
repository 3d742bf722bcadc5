package dev.cairn.raster.io;

import java.time.Duration;

/**
 * How input files are read over the network ({@code cairn warp --io-concurrency N} and friends).
 * Local files ignore every field.
 *
 * <pre>
 *   field            default   meaning
 *   ioConcurrency    8         range requests in flight at once (per source, or per {@link ByteSources} sharing them)
 *   connectTimeout   10 s      TCP + TLS connect
 *   requestTimeout   30 s      until the response headers arrive, and again the longest silence inside a body
 *   maxAttempts      5         attempts of one request on transient errors (1 = no retry)
 *   backoffBase      200 ms    first retry delay, doubled per attempt, jitter ±25 %
 *   backoffMax       10 s      cap of the doubled delay
 *   retryAfterMax    30 s      cap of a server's Retry-After (429/503) that cairn honours
 * </pre>
 */
public record IoOptions(int ioConcurrency, Duration connectTimeout, Duration requestTimeout, int maxAttempts,
        Duration backoffBase, Duration backoffMax, Duration retryAfterMax) {

    public IoOptions {
        if (ioConcurrency < 1) {
            throw new IllegalArgumentException("io concurrency must be at least 1, got " + ioConcurrency);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
        }
        positive("connect timeout", connectTimeout);
        positive("request timeout", requestTimeout);
        positive("backoff base", backoffBase);
        positive("backoff max", backoffMax);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoff max " + backoffMax + " is below backoff base " + backoffBase);
        }
        if (retryAfterMax == null || retryAfterMax.isNegative()) {
            throw new IllegalArgumentException("retry-after cap must be zero or positive, got " + retryAfterMax);
        }
    }

    /** The defaults of the table above. */
    public static IoOptions defaults() {
        return new IoOptions(8, Duration.ofSeconds(10), Duration.ofSeconds(30), 5,
                Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public IoOptions withIoConcurrency(int n) {
        return new IoOptions(n, connectTimeout, requestTimeout, maxAttempts, backoffBase, backoffMax, retryAfterMax);
    }

    public IoOptions withTimeouts(Duration connect, Duration request) {
        return new IoOptions(ioConcurrency, connect, request, maxAttempts, backoffBase, backoffMax, retryAfterMax);
    }

    public IoOptions withRetries(int attempts, Duration base, Duration max, Duration retryAfterCap) {
        return new IoOptions(ioConcurrency, connectTimeout, requestTimeout, attempts, base, max, retryAfterCap);
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
