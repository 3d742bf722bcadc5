package dev.cairn.store.postgresql;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreProvider;

/**
 * The PostgreSQL checkpoint store as a plug-in (scheme {@code postgresql}): accepts the URL a user
 * types, {@code postgresql://host[:port]/database[?user=...&password=...&sslmode=...]} (or
 * {@code postgres://...}), and opens a {@link PostgresStore} on the database's schema
 * {@code cairn}. Credentials missing from the URL are read from {@code PGUSER} and
 * {@code PGPASSWORD}, as psql does; other query parameters go to the JDBC driver. Registered in
 * {@code META-INF/services/dev.cairn.engine.CheckpointStoreProvider}.
 */
public final class PostgresStoreProvider implements CheckpointStoreProvider {

    @Override
    public String scheme() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String url) {
        return PostgresLocation.looksLike(url);
    }

    @Override
    public CheckpointStore open(String url, String jobId, boolean readOnly) {
        if (!accepts(url)) {
            throw new IllegalArgumentException("Not a PostgreSQL store URL: " + PostgresLocation.redact(url)
                    + " (expected postgresql://host[:port]/database)");
        }
        return readOnly ? PostgresStore.openReadOnly(url, jobId) : PostgresStore.open(url, jobId);
    }
}
