package dev.cairn.geo.gpkg;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SQL text helpers shared by the GeoPackage reader and writer. */
final class Sql {
    private static final Pattern SQLITE_MESSAGE = Pattern.compile("^\\[SQLITE_\\w+]\\s+.*?\\((.*)\\)\\s*$", Pattern.DOTALL);

    private Sql() {
    }

    /**
     * The JDBC URL of a SQLite file as a {@code file:} URI with the path percent-encoded: a plain
     * {@code jdbc:sqlite:PATH} breaks on paths containing {@code ?} or {@code #}, which the driver
     * would take for URL parameters.
     */
    static String jdbcUrl(java.nio.file.Path file) {
        return "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath();
    }

    /** A double-quoted SQL identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A single-quoted SQL string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }

    /**
     * SQLite's own short message ("database disk image is malformed") without the driver's
     * prefix ("[SQLITE_CORRUPT] The database disk image is malformed (...)").
     */
    static String shortMessage(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher m = SQLITE_MESSAGE.matcher(msg);
        return (m.matches() ? m.group(1) : msg).replaceAll("\\s+", " ").trim();
    }
}
