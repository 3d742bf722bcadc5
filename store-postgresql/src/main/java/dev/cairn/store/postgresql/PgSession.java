package dev.cairn.store.postgresql;

import dev.cairn.engine.RetrySettings;
import dev.cairn.engine.StoreException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection of a {@link PostgresStore} handle, reopened when it breaks, and the retry of
 * work that failed for a transient reason: a connection lost or reset, the server restarting or
 * failing over, a serialization failure or deadlock. Transient means SQLState class {@code 08},
 * {@code 40001}, {@code 40P01} or {@code 57P01}–{@code 57P03}; such work is retried with
 * exponential backoff (50 ms doubling to 5 s, ±25 % jitter) for up to {@link #RETRY_FOR}, each
 * time on a new connection, then given up as a transient {@link StoreException} (which the
 * engine's runner retries in turn). Anything else fails at once.
 *
 * <p><b>The trap.</b> A connection lost during {@code COMMIT} leaves it unknown whether the work
 * committed. Work is therefore told whether it is a replay ({@link Work#run}'s {@code replay}),
 * and every state change of the store is written so that a replay is harmless: fenced changes
 * recognise their own earlier commit, claims adopt the rows an earlier try claimed. See
 * {@link PostgresStore}.
 *
 * <p>Not thread-safe: the store serializes its calls.
 */
final class PgSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgSession.class);

    /** How long work is retried before its transient failure is reported. */
    static final Duration RETRY_FOR = Duration.ofSeconds(60);

    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");

    /** Work on the connection; {@code replay} is true when an earlier try may have committed. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection conn, boolean replay) throws SQLException;
    }

    private final PostgresLocation where;
    private final boolean readOnly;
    private final RetryPolicy<Object> retry;
    private Connection conn;
    private boolean schemaChecked;

    PgSession(PostgresLocation where, boolean readOnly, Duration retryFor) {
        this.where = where;
        this.readOnly = readOnly;
        this.retry = RetryPolicy.builder()
                .handleIf(PgSession::isTransient)
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(5))
                .withJitter(RetrySettings.JITTER)
                .withMaxRetries(-1)
                .withMaxDuration(retryFor)
                .onRetry(e -> log.warn("PostgreSQL store {}: {}; retrying (try {})", where,
                        e.getLastException().getMessage(), e.getAttemptCount() + 1))
                .build();
    }

    /** Whether {@code e} is worth retrying on a new connection. */
    static boolean isTransient(Throwable e) {
        if (!(e instanceof SQLException sql)) {
            return false;
        }
        String state = sql.getSQLState();
        return state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state));
    }

    /** Runs {@code work} in auto-commit (one statement is one transaction), retrying transient failures. */
    <T> T call(String what, Work<T> work) {
        return withRetry(what, work);
    }

    /** Runs {@code work} in one transaction, retrying it whole on transient failures. */
    <T> T transaction(String what, Work<T> work) {
        return withRetry(what, (c, replay) -> {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                T result = work.run(c, replay);
                c.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(c);
                }
                if (!c.isClosed()) {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // broken; reopened by the next try
                    }
                }
            }
        });
    }

    private <T> T withRetry(String what, Work<T> work) {
        try {
            return Failsafe.with(retry).get(ctx -> {
                try {
                    return work.run(connection(), ctx.getAttemptCount() > 0);
                } catch (SQLException e) {
                    if (isTransient(e)) {
                        drop();
                    }
                    throw e;
                }
            });
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            boolean transientFailure = isTransient(cause);
            throw new StoreException("Cannot " + what + " in PostgreSQL store " + where + ": " + cause.getMessage()
                    + (transientFailure ? " (still failing after " + RETRY_FOR.toSeconds() + " s of retries;"
                    + " check that the server is up and reachable)" : "") + ".", cause, transientFailure);
        }
    }

    /** The open connection, (re)opened when needed; the first open creates or checks the schema. */
    private Connection connection() throws SQLException {
        if (conn != null) {
            return conn;
        }
        Connection c = DriverManager.getConnection(where.jdbcUrl(), where.properties());
        try {
            if (!schemaChecked) {
                if (readOnly) {
                    PostgresSchema.checkReadable(c, where);
                } else {
                    PostgresSchema.createOrMigrate(c, where);
                }
                schemaChecked = true;
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        conn = c;
        return c;
    }

    /** Opens the connection now (and creates or checks the schema), so that opening a store fails early. */
    void open(String what) {
        withRetry(what, (c, replay) -> null);
    }

    /** Forgets a broken connection; the next try opens a new one. */
    private void drop() {
        if (conn != null) {
            closeQuietly(conn);
            conn = null;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the server rolled back with the connection
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing with a better exception, or already gone
        }
    }

    @Override
    public void close() {
        drop();
    }
}
