package dev.cairn.raster.io;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * Opens the {@link ByteSource} for what a user named: a local path, a {@code file:} URI, or an
 * {@code http(s)://} URL.
 *
 * <p>{@link #open(String, IoOptions)} gives each source its own HTTP client and its own
 * {@link IoOptions#ioConcurrency()} limit. A job reading many remote files at once should use one
 * {@link #sharing(IoOptions)} instance instead: its sources share one HTTP client (one connection
 * pool) and one limit, so {@code --io-concurrency N} bounds the requests of the whole process.
 * Instances are thread-safe.
 */
public final class ByteSources {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+)://.*");

    private final IoOptions options;
    private final Semaphore permits;
    private HttpClient client;

    private ByteSources(IoOptions options) {
        this.options = options;
        this.permits = new Semaphore(options.ioConcurrency(), true);
    }

    /** Sources opened through the result share one HTTP client and one limit of requests in flight. */
    public static ByteSources sharing(IoOptions options) {
        return new ByteSources(options);
    }

    /** True for an {@code http://} or {@code https://} input (read with range requests), else a local path. */
    public static boolean isUrl(String input) {
        String s = input.toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /**
     * An input as a job's spec records it: a URL as given, a local path absolute and normalised
     * (the same command from another directory is the same job).
     */
    public static String normalise(String input) {
        return isUrl(input) ? input : java.nio.file.Path.of(input).toAbsolutePath().normalize().toString();
    }

    /** Opens one source with its own HTTP client and limit; see {@link #open(String)}. */
    public static ByteSource open(String pathOrUrl, IoOptions options) throws IOException {
        return sharing(options).open(pathOrUrl);
    }

    /**
     * Opens {@code pathOrUrl}. A URL is probed at once (one range request, retried on transient
     * errors), so a missing remote file fails here.
     *
     * @throws java.nio.file.NoSuchFileException a local file that does not exist
     * @throws RemoteSourceException             a URL answered with a permanent error, or of an unsupported scheme
     * @throws IOException                       a URL still unreachable after the configured attempts
     */
    public ByteSource open(String pathOrUrl) throws IOException {
        if (pathOrUrl.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                return new FileByteSource(pathOrUrl, Path.of(new URI(pathOrUrl)));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new RemoteSourceException(pathOrUrl, 0, pathOrUrl + ": not a valid file: URI (" + e.getMessage() + ")");
            }
        }
        var m = SCHEME.matcher(pathOrUrl);
        if (!m.matches()) {
            return new FileByteSource(pathOrUrl, Path.of(pathOrUrl));
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RemoteSourceException(pathOrUrl, 0, pathOrUrl + ": unsupported scheme '" + scheme
                    + "'; cairn reads local paths, file:, http: and https: URLs");
        }
        URI uri;
        try {
            uri = new URI(pathOrUrl);
        } catch (URISyntaxException e) {
            throw new RemoteSourceException(pathOrUrl, 0, pathOrUrl + ": not a valid URL: " + e.getMessage());
        }
        return HttpByteSource.open(pathOrUrl, uri, client(), permits, options);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(options.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }
}
