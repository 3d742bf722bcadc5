package dev.cairn.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The exactly-once commit of a chunked output (DESIGN §2.4, §4): the chunks of one output fill one
 * hidden staging SQLite file, each chunk's rows and its marker in one transaction, and the chunk
 * whose marker completes the plan finalises the file in that same transaction. The output's
 * format plugs in as a {@link Schema} (GeoPackage: feature tables, R-trees; MBTiles: tiles,
 * metadata); this class owns the protocol and the marker table, and knows no format.
 *
 * <pre>
 * staging file .NAME.PLANKEY.cairn-stage (see AtomicFiles.stagingFor), opened by the schema's owner
 *   the schema's tables (Schema.create), plus the marker table:
 *   cairn_chunks (asset_id TEXT PRIMARY KEY, layer TEXT, fid_from INTEGER, fid_to INTEGER,
 *                 features INTEGER, worker TEXT, attempt INTEGER, committed_at TEXT)
 *                one row per committed chunk, written in the chunk's own transaction; layer and
 *                the range name the part of the input (a feature layer and a fid or position
 *                range; a zoom level and a metatile range), features the items it wrote (the
 *                column names are those of the first staging files, kept so that files staged
 *                by an earlier version still resume)
 *
 * states, told apart at the start of each transaction ({@link #begin}):
 *   EMPTY      no table at all: the first chunk creates the schema and the marker table
 *   STAGING    cairn_chunks exists: chunks commit; the one whose marker makes the count equal the
 *              plan's chunk total finalises (Schema.finalise) and drops cairn_chunks, in the same
 *              transaction
 *   FINALISED  tables, but no cairn_chunks: complete; only publishing is left (a rename, or an
 *              export into another format), done by the caller after the commit
 * </pre>
 *
 * <p><b>Crash cases</b>, with the checkpoint store marking a chunk done only after this commit:
 * <ol>
 *   <li>Killed before the commit: SQLite rolls the transaction back; the chunk is redone.</li>
 *   <li>Killed between the commit and the checkpoint: the redo finds its marker and copies
 *       nothing (no duplicate rows), then finalises or publishes if that was left to do.</li>
 *   <li>Killed between finalisation and publication: any redone chunk finds the file FINALISED
 *       and publishes it.</li>
 *   <li>Two workers completing at once: transactions are serial ({@code BEGIN IMMEDIATE}); the
 *       second finds the file finalised.</li>
 * </ol>
 * Across machines the file's SQLite locks are not relied on: the owner takes the store's
 * {@link StagingLock} before opening the file and releases it after closing it, so that the
 * writers of a store shared by machines take turns (see {@link CheckpointStore#lockStaging}).
 *
 * <p><b>Durability.</b> The owner opens the file with {@code synchronous=FULL} and a rollback
 * journal: a returned commit is on disk, so the store's {@code done} (which may reach the disk
 * first on power loss) never points at a chunk the staging file lost. Waiting writers block up to
 * {@link RetrySettings#STAGING_BUSY_TIMEOUT} and then fail with SQLITE_BUSY, a transient failure
 * the runner retries.
 *
 * <p>One instance per connection, used by one thread.
 */
public final class StagedSqliteOutput implements AutoCloseable {

    /** Where the staging file stands at the start of a transaction; see the class comment. */
    public enum State { EMPTY, STAGING, FINALISED }

    /** The output format's part of the staging file. */
    public interface Schema {
        /** Creates the output's tables in an EMPTY file, in the open transaction. */
        void create(Connection connection) throws SQLException;

        /**
         * Turns the complete file into the finished output, in the open transaction (indexes,
         * metadata), dropping the format's own helper tables; the marker table is dropped after.
         */
        void finalise(Connection connection) throws SQLException;
    }

    /** Writes one chunk's rows into the open transaction; returns how many items it wrote. */
    @FunctionalInterface
    public interface ChunkCopy {
        long copy() throws AssetFailure, SQLException;
    }

    /**
     * The marker of one chunk: its asset, and the part of the input it covers.
     *
     * @param layer the input's layer (or level) the chunk belongs to
     * @param from  the first fid or position of the chunk, or null when open
     * @param to    the first fid or position after it, or null when open
     */
    public record Marker(String assetId, String layer, Long from, Long to) {
        public Marker {
            Objects.requireNonNull(assetId, "assetId");
            Objects.requireNonNull(layer, "layer");
        }
    }

    /**
     * What one chunk's transaction found and did.
     *
     * @param items     items of the chunk: copied now, or recorded by its marker; -1 when the file
     *                  was finalised before this attempt (the caller counts the range)
     * @param finalised true when the file is complete: publish it
     */
    public record ChunkCommit(long items, boolean finalised) {
    }

    static final String MARKERS = "cairn_chunks";
    private static final String CREATE_MARKERS = """
            CREATE TABLE cairn_chunks (asset_id TEXT PRIMARY KEY, layer TEXT NOT NULL, fid_from INTEGER,
            fid_to INTEGER, features INTEGER NOT NULL, worker TEXT, attempt INTEGER, committed_at TEXT NOT NULL)""";
    private static final String INSERT_MARKER = """
            INSERT INTO cairn_chunks VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))""";

    private final Connection connection;
    private boolean inTransaction;

    private StagedSqliteOutput(Connection connection) {
        this.connection = connection;
    }

    /** The protocol over an open connection to the staging file (in auto-commit mode); closing this closes it. */
    public static StagedSqliteOutput over(Connection connection) {
        return new StagedSqliteOutput(Objects.requireNonNull(connection, "connection"));
    }

    public Connection connection() {
        return connection;
    }

    /** Starts the write transaction, waiting for other writers; returns the state found. */
    public State begin() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            inTransaction = true;
            boolean markers = false;
            boolean others = false;
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    if (rs.getString(1).equals(MARKERS)) {
                        markers = true;
                    } else {
                        others = true;
                    }
                }
            }
            return markers ? State.STAGING : others ? State.FINALISED : State.EMPTY;
        }
    }

    /**
     * The exactly-once step of a chunk, in one transaction (see the class comment): waits for the
     * write lock; a FINALISED file needs nothing; an EMPTY one gets {@code schema}'s tables and the
     * marker table; unless the chunk's marker is already there, {@code copy} writes its rows and
     * the marker is added; the chunk whose marker makes {@code fileChunks} finalises; then commits.
     */
    public ChunkCommit commitChunk(Marker marker, int fileChunks, String worker, int attempt, Schema schema,
            ChunkCopy copy) throws AssetFailure, SQLException {
        State state = begin();
        if (state == State.FINALISED) {
            commit();
            return new ChunkCommit(-1, true);
        }
        if (state == State.EMPTY) {
            schema.create(connection);
            try (Statement s = connection.createStatement()) {
                s.execute(CREATE_MARKERS);
            }
        }
        long items = committedItems(marker.assetId());
        if (items < 0) {
            items = copy.copy();
            addMarker(marker, items, worker, attempt);
        }
        boolean finalised = markers() >= fileChunks;
        if (finalised) {
            schema.finalise(connection);
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE " + MARKERS);
            }
        }
        commit();
        return new ChunkCommit(items, finalised);
    }

    /** The items recorded by the marker of {@code assetId}, or -1 when it has none. */
    long committedItems(String assetId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT features FROM cairn_chunks WHERE asset_id = ?")) {
            ps.setString(1, assetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private void addMarker(Marker marker, long items, String worker, int attempt) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT_MARKER)) {
            ps.setString(1, marker.assetId());
            ps.setString(2, marker.layer());
            ps.setObject(3, marker.from());
            ps.setObject(4, marker.to());
            ps.setLong(5, items);
            ps.setString(6, worker);
            ps.setInt(7, attempt);
            ps.executeUpdate();
        }
    }

    private long markers() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM cairn_chunks")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Work done inside {@link #inTransaction}. */
    @FunctionalInterface
    public interface Work {
        void run() throws SQLException, java.io.IOException;
    }

    /**
     * Runs {@code work} in one write transaction of its own ({@code BEGIN IMMEDIATE}), outside the
     * chunk protocol: a format's publishing step on a FINALISED file (COG overviews, the lower
     * zooms of a tile set). Rolled back when {@code work} throws.
     */
    public void inTransaction(Work work) throws SQLException, java.io.IOException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        }
        inTransaction = true;
        boolean done = false;
        try {
            work.run();
            commit();
            done = true;
        } finally {
            if (!done) {
                try (Statement s = connection.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyRolledBack) {
                    // SQLite ends the transaction itself on some errors (I/O, full disk)
                }
                inTransaction = false;
            }
        }
    }

    public void commit() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("COMMIT");
        }
        inTransaction = false;
    }

    /** Rolls back an open transaction (if any) and closes the connection. */
    @Override
    public void close() throws SQLException {
        try {
            if (inTransaction) {
                try (Statement s = connection.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyRolledBack) {
                    // SQLite ends the transaction itself on some errors (I/O, full disk)
                }
            }
        } finally {
            connection.close();
        }
    }
}
