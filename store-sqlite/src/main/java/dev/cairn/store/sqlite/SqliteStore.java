package dev.cairn.store.sqlite;

import static dev.cairn.store.sqlite.PlanWriter.setNullable;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Event;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.FeatureIssueRecord;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.StoreException;
import dev.cairn.engine.WorkerInfo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The embedded checkpoint store: one SQLite file in WAL mode, shared safely by the threads of one
 * process and by several processes on one machine.
 *
 * <p><b>Durability.</b> Every state change is one {@code BEGIN IMMEDIATE} transaction that writes
 * the asset row and its event row together; a method that returned has committed. With
 * {@code synchronous=NORMAL} a committed transaction survives a crash of the process (kill -9)
 * but the last few may be lost on power loss: the database is still consistent, and the assets
 * concerned are simply done again.
 *
 * <p><b>Concurrency.</b> One connection per instance; its methods are synchronized. Writers in
 * other processes are serialized by {@code BEGIN IMMEDIATE} (waiting up to 10 s, then a transient
 * {@link StoreException}); readers are never blocked by a writer (WAL), which is what
 * {@link #openReadOnly} relies on. {@link #claim} picks and updates its row inside one write
 * transaction, so no asset is handed to two live claims; {@link #complete}, {@link #fail} and
 * {@link #release} only touch the row {@code WHERE state='running' AND worker=? AND attempt=?}
 * and throw {@link LeaseLostException} (changing nothing) when it is gone.
 *
 * <p>The bodies of the writes live beside it: {@link PlanWriter} (batched planning),
 * {@link TransitionWriter} (claims and their fenced outcomes) and {@link SqliteSchema}
 * (PRAGMAs, creation, version check).
 *
 * <p><b>Schema, version 1</b> ({@code schema-v1.sql}; times are epoch milliseconds):
 * <pre>
 * schema_version(version)                          one row: 1; a newer version is refused
 * job(id PK, fingerprint, kind, created_at)        at most one row
 *  └─ job_option(job_id → job.id, key, value)      the spec, PK (job_id, key)
 * asset(id PK, seq UNIQUE,                         seq = planning order
 *       input, part, output, input_size, input_mtime,        what to do, input fingerprint
 *       state pending|running|done|failed,
 *       worker, lease_until, attempt,               the claim; attempt = fencing token
 *       tries, error_class, message, transient,     the dead letter
 *       features, skipped, checksum, updated_at)    the outcome
 *   index asset_claim (state, input_size DESC, seq)          claim(), counts()
 *   index asset_running_worker (worker) WHERE state='running' heartbeat(), recovery
 * worker(id PK, host, pid, process_start, registered_at)
 * event(seq AUTOINCREMENT, at, asset_id, kind,      append-only lineage; fingerprint is the
 *       worker, attempt, detail, fingerprint)        job's at the time of the event
 * </pre>
 */
public final class SqliteStore implements CheckpointStore {

    private static final String ASSET_COLUMNS = """
            id, input, part, output, input_size, input_mtime, state, worker, lease_until, attempt, tries,
            error_class, message, transient, features, skipped, checksum, updated_at""";

    private final Path file;
    private final Connection conn;
    private final boolean readOnly;
    private final Clock clock;
    private final TransitionWriter transitions;
    private boolean closed;

    SqliteStore(Path file, Connection conn, boolean readOnly, Clock clock) {
        this.file = file;
        this.conn = conn;
        this.readOnly = readOnly;
        this.clock = clock;
        this.transitions = new TransitionWriter(conn);
    }

    /**
     * Opens the checkpoint at {@code dbFile} for reading and writing, creating the file, its
     * parent directories and the schema when missing.
     *
     * @throws StoreException if the file is not a cairn checkpoint or has a newer schema version
     */
    public static SqliteStore open(Path dbFile) {
        try {
            return new SqliteStore(dbFile, SqliteSchema.openReadWrite(dbFile), false, Clock.systemUTC());
        } catch (SQLException e) {
            throw translate(dbFile, e, "open");
        }
    }

    /**
     * Opens an existing checkpoint for reading only ({@code status}, {@code failures}); works while
     * another process is writing it. Every method that changes state throws {@link StoreException}.
     *
     * @throws StoreException if the file does not exist, is not a cairn checkpoint or is newer
     */
    public static SqliteStore openReadOnly(Path dbFile) {
        try {
            return new SqliteStore(dbFile, SqliteSchema.openReadOnly(dbFile), true, Clock.systemUTC());
        } catch (SQLException e) {
            throw translate(dbFile, e, "open");
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<JobRecord> job() {
        return read("read the job", () -> {
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, fingerprint, kind, created_at FROM job LIMIT 1")) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String id = rs.getString(1);
                Map<String, String> spec = new TreeMap<>();
                try (PreparedStatement ps = conn.prepareStatement("SELECT key, value FROM job_option WHERE job_id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet options = ps.executeQuery()) {
                        while (options.next()) {
                            spec.put(options.getString(1), options.getString(2));
                        }
                    }
                }
                return Optional.of(new JobRecord(id, rs.getString(2), rs.getString(3), spec,
                        Instant.ofEpochMilli(rs.getLong(4))));
            }
        });
    }

    @Override
    public void createJob(JobRecord job) {
        write("record the job", () -> {
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, kind FROM job LIMIT 1")) {
                if (rs.next()) {
                    throw new StoreException("Checkpoint " + file + " already records job " + rs.getString(1)
                            + " (" + rs.getString(2) + "); cannot record job " + job.id()
                            + ". Clear the checkpoint first to start over.", null, false);
                }
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO job (id, fingerprint, kind, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, job.id());
                ps.setString(2, job.fingerprint());
                ps.setString(3, job.kind());
                ps.setLong(4, job.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO job_option (job_id, key, value) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> option : job.spec().entrySet()) {
                    ps.setString(1, job.id());
                    ps.setString(2, option.getKey());
                    ps.setString(3, option.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void clear() {
        write("clear the checkpoint", () -> {
            try (Statement st = conn.createStatement()) {
                for (String table : List.of("event", "asset", "worker", "job_option", "job")) {
                    st.executeUpdate("DELETE FROM " + table);
                }
            }
            return null;
        });
    }

    @Override
    public PlanSummary plan(List<Asset> assets) {
        return write("plan " + assets.size() + " assets",
                () -> PlanWriter.plan(conn, assets, clock.millis(), jobFingerprint()));
    }

    @Override
    public void registerWorker(WorkerInfo worker) {
        write("register worker " + worker.id(), () -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT OR REPLACE INTO worker (id, host, pid, process_start, registered_at)
                    VALUES (?, ?, ?, ?, ?)""")) {
                ps.setString(1, worker.id());
                setNullable(ps, 2, worker.host());
                ps.setLong(3, worker.pid());
                setNullableMillis(ps, 4, worker.processStart());
                setNullableMillis(ps, 5, worker.registeredAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Registered workers holding claims; a worker that never registered cannot be proven dead, so it is not listed. */
    @Override
    public List<WorkerInfo> workersWithClaims() {
        return read("list workers", () -> {
            List<WorkerInfo> workers = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT id, host, pid, process_start, registered_at FROM worker w
                         WHERE EXISTS (SELECT 1 FROM asset a WHERE a.state = 'running' AND a.worker = w.id)
                         ORDER BY id""")) {
                while (rs.next()) {
                    workers.add(new WorkerInfo(rs.getString(1), rs.getString(2), rs.getLong(3),
                            instant(rs, 4), instant(rs, 5)));
                }
            }
            return workers;
        });
    }

    @Override
    public int releaseClaimsOf(String workerId, String reason) {
        return write("release the claims of worker " + workerId,
                () -> transitions.releaseClaimsOf(workerId, reason, clock.millis()));
    }

    @Override
    public Optional<Claim> claim(String workerId, Instant now, Duration lease) {
        long nowMillis = now.toEpochMilli();
        return write("claim an asset", () -> transitions.claim(workerId, nowMillis, nowMillis + lease.toMillis()));
    }

    @Override
    public void heartbeat(String workerId, Instant now, Duration lease) {
        write("extend the leases of worker " + workerId, () -> {
            transitions.heartbeat(workerId, now.toEpochMilli() + lease.toMillis());
            return null;
        });
    }

    @Override
    public void complete(Claim claim, Outcome outcome) {
        write("mark " + claim.asset().id() + " done", () -> {
            transitions.complete(claim, outcome, clock.millis());
            return null;
        });
    }

    @Override
    public void fail(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        write("mark " + claim.asset().id() + " failed", () -> {
            transitions.fail(claim, errorClass, message, transientFailure, tries, clock.millis());
            return null;
        });
    }

    @Override
    public void release(Claim claim) {
        write("release " + claim.asset().id(), () -> {
            transitions.release(claim, clock.millis());
            return null;
        });
    }

    @Override
    public Map<AssetState, Long> counts() {
        return read("count assets", () -> {
            Map<AssetState, Long> counts = new EnumMap<>(AssetState.class);
            for (AssetState state : AssetState.values()) {
                counts.put(state, 0L);
            }
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT state, count(*) FROM asset GROUP BY state")) {
                while (rs.next()) {
                    counts.put(AssetState.fromKey(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    @Override
    public List<AssetRecord> assets(Set<AssetState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        String in = states.stream().map(s -> "'" + s.key() + "'").collect(Collectors.joining(", "));
        return read("list assets", () -> {
            List<AssetRecord> records = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + ASSET_COLUMNS + " FROM asset WHERE state IN (" + in
                         + ") ORDER BY seq")) {
                while (rs.next()) {
                    records.add(assetRecord(rs));
                }
            }
            return records;
        });
    }

    @Override
    public int resetFailed(ErrorClass onlyClass) {
        String condition = onlyClass == null ? "state = 'failed'" : "state = 'failed' AND error_class = ?";
        String parameter = onlyClass == null ? null : onlyClass.key();
        return write("reset failed assets", () -> transitions.reset(condition, parameter, clock.millis()));
    }

    @Override
    public int resetAll() {
        return write("reset all assets", () -> transitions.reset("state <> 'pending'", null, clock.millis()));
    }

    @Override
    public int removeUnplanned(Collection<String> plannedIds) {
        List<String> planned = List.copyOf(plannedIds);
        return write("remove unplanned assets", () -> transitions.removeUnplanned(planned, clock.millis()));
    }

    @Override
    public int resetAssets(Collection<String> ids, String reason) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<String> copy = List.copyOf(ids);
        return write("reset " + copy.size() + " asset(s)", () -> transitions.resetIds(copy, reason, clock.millis()));
    }

    @Override
    public List<FeatureIssueRecord> featureIssues(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return read("read feature issues", () -> {
            List<FeatureIssueRecord> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("""
                    SELECT e.asset_id, e.at, e.kind, e.detail FROM event e JOIN asset a ON a.id = e.asset_id
                    WHERE e.kind IN ('feature_skipped', 'feature_repaired') AND a.state = 'done'
                      AND e.attempt = a.attempt
                    ORDER BY a.seq, e.seq LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String detail = rs.getString(4);
                        int space = detail.indexOf(' ');
                        ErrorClass cls = ErrorClass.fromKey(detail.substring(0, space));
                        out.add(new FeatureIssueRecord(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                                new FeatureIssue(FeatureIssue.Action.ofEventKind(rs.getString(3)), cls,
                                        detail.substring(space + 1))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Event> events(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return read("read events", () -> {
            List<Event> events = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("""
                    SELECT seq, at, asset_id, kind, worker, attempt, detail, fingerprint
                    FROM event ORDER BY seq DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Event(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8)));
                    }
                }
            }
            Collections.reverse(events);
            return events;
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (conn) {
            transitions.close();
        } catch (SQLException e) {
            throw translate(file, e, "close");
        }
    }

    // ---- plumbing -----------------------------------------------------------------------

    private String jobFingerprint() throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT fingerprint FROM job LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static AssetRecord assetRecord(ResultSet rs) throws SQLException {
        Asset asset = new Asset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getLong(5), rs.getLong(6));
        String errorClass = rs.getString(12);
        return new AssetRecord(asset, AssetState.fromKey(rs.getString(7)), rs.getString(8), instant(rs, 9),
                rs.getInt(10), rs.getInt(11), errorClass == null ? null : ErrorClass.fromKey(errorClass),
                rs.getString(13), rs.getInt(14) != 0, rs.getLong(15), rs.getLong(16), rs.getString(17),
                instant(rs, 18));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setNullableMillis(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.INTEGER);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one BEGIN IMMEDIATE transaction; rolls back on any exception. */
    private synchronized <T> T write(String what, Work<T> work) {
        ensureOpen(what);
        if (readOnly) {
            throw new StoreException("Cannot " + what + ": checkpoint " + file + " was opened read-only.", null, false);
        }
        return inTransaction("BEGIN IMMEDIATE", what, work);
    }

    /** Runs {@code work} in one read transaction, so that it sees one consistent snapshot. */
    private synchronized <T> T read(String what, Work<T> work) {
        ensureOpen(what);
        return inTransaction("BEGIN DEFERRED", what, work);
    }

    private <T> T inTransaction(String begin, String what, Work<T> work) {
        boolean committed = false;
        try (Statement st = conn.createStatement()) {
            st.execute(begin);
            try {
                T result = work.run();
                st.execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(st);
                }
            }
        } catch (SQLException e) {
            throw translate(file, e, what);
        }
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back (BEGIN itself failed, or SQLite already rolled back)
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new StoreException("Cannot " + what + ": checkpoint " + file + " is closed.", null, false);
        }
    }

    /** SQLITE_BUSY and SQLITE_LOCKED are transient (another process holds the lock); anything else is not. */
    static StoreException translate(Path file, SQLException e, String what) {
        int primary = e.getErrorCode() & 0xff;
        boolean busy = primary == 5 || primary == 6;
        String hint = busy
                ? " Another process kept the database locked longer than "
                + SqliteSchema.BUSY_TIMEOUT_MILLIS / 1000 + " s; retry."
                : "";
        return new StoreException("Cannot " + what + " in checkpoint " + file + ": " + e.getMessage() + "." + hint,
                e, busy);
    }
}
