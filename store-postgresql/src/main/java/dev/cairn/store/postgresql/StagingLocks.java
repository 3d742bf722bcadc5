package dev.cairn.store.postgresql;

import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StagingLock;
import dev.cairn.engine.StoreException;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.CRC32;

/**
 * The staging locks of a {@link PostgresStore} ({@link dev.cairn.engine.StagingLock}): one
 * session-level advisory lock per staging file, on a connection of its own that lives as long as
 * the lock, so that the chunks of one output written from several machines take turns without
 * relying on the shared file system's locks.
 *
 * <pre>
 *   take      connect; SET lock_timeout (STAGING_BUSY_TIMEOUT), tcp_keepalives_*;
 *             SELECT pg_advisory_lock(NAMESPACE, crc32(key))      waits for the holder
 *   release   SELECT pg_advisory_unlock(…); close the connection
 * </pre>
 * The key is the staging file's path, as the job's stored spec names it, so the same on every
 * machine ({@code cairn worker} runs the stored spec). Two keys with one CRC-32 share a lock: they
 * take turns needlessly, never wrongly. {@code NAMESPACE} keeps these locks apart from the
 * schema's ({@link PostgresSchema#LOCK_KEY}, a one-argument key, which PostgreSQL never confuses
 * with a two-argument one) and from other applications' locks in the database.
 *
 * <p><b>Crash cases.</b>
 * <ul>
 *   <li><i>The holder's process dies</i> (kill -9, OOM): its kernel closes the socket, the server
 *       ends the session and releases the lock at once; the next writer opens the staging file,
 *       and SQLite rolls back the dead writer's hot journal.</li>
 *   <li><i>The holder's machine dies or is cut off</i>: nothing closes the socket; the keepalives
 *       set on the session (probe after 10 s idle, every 5 s, 4 probes) make the server end it
 *       within about 30 s, releasing the lock. A holder that is cut off but still alive may still
 *       write the staging file after that; it cannot record the chunk (its store calls fail and
 *       its lease is fenced), but it is the one case the lock cannot exclude: the file system's
 *       own guarantees are what is left.</li>
 *   <li><i>The server restarts</i>: every session ends, every lock is released; holders notice at
 *       their next store call. Their staging transactions either committed (markers) or not.</li>
 *   <li><i>A waiter gives up</i> after {@link RetrySettings#STAGING_BUSY_TIMEOUT}: a transient
 *       {@link StoreException}, retried as the asset's transient failure.</li>
 * </ul>
 */
final class StagingLocks {

    /** The first key of every staging lock: "cair" in ASCII. */
    static final int NAMESPACE = 0x63616972;

    private StagingLocks() {
    }

    /** Waits for and takes the lock of {@code key}; see the class comment. */
    static StagingLock acquire(PostgresLocation where, String key) {
        int hash = hash(key);
        Connection c;
        try {
            c = DriverManager.getConnection(where.jdbcUrl(), where.properties());
        } catch (SQLException e) {
            throw new StoreException("Cannot lock staging file " + key + " in PostgreSQL store " + where + ": "
                    + e.getMessage(), e, true);
        }
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = " + RetrySettings.STAGING_BUSY_TIMEOUT.toMillis());
                st.execute("SET tcp_keepalives_idle = 10");
                st.execute("SET tcp_keepalives_interval = 5");
                st.execute("SET tcp_keepalives_count = 4");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                ps.setInt(1, NAMESPACE);
                ps.setInt(2, hash);
                ps.execute();
            }
        } catch (SQLException e) {
            close(c);
            boolean timeout = "55P03".equals(e.getSQLState());
            throw new StoreException("Cannot lock staging file " + key + " in PostgreSQL store " + where + ": "
                    + (timeout ? "another worker held it for " + RetrySettings.STAGING_BUSY_TIMEOUT.toSeconds() + " s"
                    : e.getMessage()), e, true);
        }
        return () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                ps.setInt(1, NAMESPACE);
                ps.setInt(2, hash);
                ps.execute();
            } catch (SQLException gone) {
                // the session is gone, and the lock with it
            } finally {
                close(c);
            }
        };
    }

    /** The second key of {@code key}'s lock: the CRC-32 of its UTF-8 bytes. */
    static int hash(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection: the server ends the session anyway
        }
    }
}
