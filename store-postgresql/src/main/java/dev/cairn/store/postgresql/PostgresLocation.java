package dev.cairn.store.postgresql;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL store lives: the URL a user types, {@code postgresql://host[:port]/db?k=v&...}
 * (the libpq form, also with the alias {@code postgres://}), as the JDBC URL and connection
 * properties of pgjdbc. {@code user} and {@code password} come from the query, else from the
 * {@code PGUSER} and {@code PGPASSWORD} environment variables (as psql reads them); every other
 * query parameter is passed to pgjdbc as it is (e.g. {@code sslmode}). The password never appears
 * in {@link #display()}, which is what messages show.
 *
 * <p>Unless given, {@code tcpKeepAlive=true}, {@code connectTimeout=10} s and
 * {@code socketTimeout=120} s are set, so that a partitioned network ends a statement with an
 * error (retried by the store) instead of blocking a worker forever, and
 * {@code reWriteBatchedInserts=true} makes planning's batched inserts multi-row.
 */
record PostgresLocation(String jdbcUrl, Properties properties, String display) {

    private static final Pattern URL = Pattern.compile(
            "(?:postgresql|postgres)://(?<host>\\[[^\\]]+\\]|[^/:?#]*)(?::(?<port>\\d+))?/(?<db>[^?#]+)(?:\\?(?<query>[^#]*))?");

    /** Whether {@code url} is written as a PostgreSQL store URL (text only, no I/O). */
    static boolean looksLike(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /**
     * Parses {@code url}, reading unset credentials from {@code env}.
     *
     * @throws IllegalArgumentException if it is not {@code postgresql://host[:port]/db[?query]}
     */
    static PostgresLocation parse(String url, Function<String, String> env) {
        Matcher m = URL.matcher(url);
        if (!m.matches() || m.group("host").isEmpty()) {
            throw new IllegalArgumentException("Not a PostgreSQL store URL: " + redact(url)
                    + " (expected postgresql://host[:port]/database[?user=...&password=...&sslmode=...])");
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (m.group("query") != null && !m.group("query").isEmpty()) {
            for (String pair : m.group("query").split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.put(key, value);
            }
        }
        Properties props = new Properties();
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "120");
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("ApplicationName", "cairn");
        String user = query.remove("user");
        String password = query.remove("password");
        if (user == null) {
            user = env.apply("PGUSER");
        }
        if (password == null) {
            password = env.apply("PGPASSWORD");
        }
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        query.forEach(props::setProperty);
        String hostPort = m.group("host") + (m.group("port") == null ? "" : ":" + m.group("port"));
        String db = m.group("db");
        String display = "postgresql://" + (user == null ? "" : user + "@") + hostPort + "/" + decode(db);
        return new PostgresLocation("jdbc:postgresql://" + hostPort + "/" + db, props, display);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The URL with any password value replaced, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&#]*", "$1***");
    }

    @Override
    public String toString() {
        return display;
    }
}
