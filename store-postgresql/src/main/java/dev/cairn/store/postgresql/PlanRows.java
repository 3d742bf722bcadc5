package dev.cairn.store.postgresql;

import dev.cairn.engine.Asset;
import dev.cairn.engine.PlanDiff;
import dev.cairn.engine.PlanSummary;
import dev.cairn.engine.PlanBlockCodec.Entry;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The body of {@link PostgresStore#plan} for one job: runs inside the caller's write transaction. The stored
 * fingerprints are read in one scan; new assets are streamed in with one {@code COPY} (pgjdbc's
 * {@link CopyManager}, text format) and their {@code planned} events written by one
 * {@code INSERT … SELECT} from the copied rows; changed assets are updated in JDBC batches. So
 * planning 1,000,000 assets costs one transaction and a handful of round trips.
 *
 * <p>A changed asset that is {@code running} keeps its attempt number, so the claim still in
 * flight is fenced off: the next claim gets a higher attempt than the old one. Any other changed
 * asset starts again from attempt 0.
 */
final class PlanRows {

    private static final int BATCH = 5_000;

    private static final String COPY_ASSETS = """
            COPY cairn.asset (job_id, id, seq, input, part, output, input_size, input_mtime, state, updated_at)
            FROM STDIN""";

    /** The 'planned' events of the rows copied in (seq above the last one before): binds now, fingerprint, job, seq. */
    private static final String PLANNED_EVENTS = """
            INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            SELECT job_id, ?, id, 'planned', NULL, 0, NULL, ? FROM cairn.asset WHERE job_id = ? AND seq > ? ORDER BY seq""";

    /** Rows sent to the server per COPY write. */
    private static final int COPY_CHUNK_CHARS = 1 << 20;

    private static final String REPLAN_ASSET = """
            UPDATE cairn.asset SET input = ?, part = ?, output = ?, input_size = ?, input_mtime = ?,
                state = 'pending', worker = NULL, lease_until = NULL,
                attempt = CASE WHEN state = 'running' THEN attempt ELSE 0 END, tries = 0,
                error_class = NULL, message = NULL, transient = false,
                features = 0, skipped = 0, checksum = NULL, updated_at = ?
            WHERE job_id = ? AND id = ?""";

    private static final String INSERT_EVENT = """
            INSERT INTO cairn.event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            VALUES (?, ?, ?, ?, NULL, 0, ?, ?)""";

    private static final String KNOWN_ASSETS = """
            SELECT id, input, part, output, input_size, input_mtime FROM cairn.asset WHERE job_id = ?""";

    private static final String LAST_SEQ = "SELECT coalesce(max(seq), 0) FROM cairn.asset WHERE job_id = ?";

    private PlanRows() {
    }

    /**
     * Plans {@code assets} into the job {@code jobId} ({@link JobRows#NO_JOB} for none); its
     * events carry {@code fingerprint}. When at least {@code layout.threshold()} assets are new and
     * {@code firstEventSeq} is a reservation of {@code assets.size()} event seqs
     * ({@link PgPlanBlocks#reserveEventSeqs}; -1 for none), the new assets are written as
     * {@link PgPlanBlocks blocks}; otherwise as rows.
     */
    static PlanSummary plan(Connection conn, String jobId, String fingerprint, List<Asset> assets, OffsetDateTime now,
                            PgPlanBlocks.Layout layout, long firstEventSeq) throws SQLException {
        Map<String, Asset> known = new HashMap<>();
        try (PreparedStatement st = conn.prepareStatement(KNOWN_ASSETS)) {
            st.setString(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getString(1), new Asset(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        Map<String, Asset> inBlocks = new HashMap<>();
        PgPlanBlocks.known(conn, jobId, inBlocks);
        known.putAll(inBlocks);
        long seq;
        try (PreparedStatement st = conn.prepareStatement(LAST_SEQ)) {
            st.setString(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                seq = Math.max(rs.getLong(1), PgPlanBlocks.maxSeq(conn, jobId));
            }
        }
        PlanDiff diff = PlanDiff.of(assets, known);
        if (!inBlocks.isEmpty()) {
            // A changed asset still in a block becomes a row first, and is then re-planned as one.
            Set<String> changedInBlocks = new HashSet<>();
            for (PlanDiff.Changed change : diff.changed()) {
                if (inBlocks.containsKey(change.asset().id())) {
                    changedInBlocks.add(change.asset().id());
                }
            }
            PgPlanBlocks.dissolveHolding(conn, jobId, changedInBlocks);
        }
        boolean asBlocks = firstEventSeq > 0 && diff.added().size() >= layout.threshold();
        if (asBlocks) {
            PgPlanBlocks.write(conn, jobId, fingerprint, diff.added(), seq, firstEventSeq, now, layout);
        } else {
            List<Entry> added = new ArrayList<>(diff.added().size());
            long next = seq;
            for (Asset asset : diff.added()) {
                added.add(new Entry(++next, asset));
            }
            copyAssets(conn, jobId, added, now);
        }
        try (PreparedStatement replan = conn.prepareStatement(REPLAN_ASSET);
             PreparedStatement event = conn.prepareStatement(INSERT_EVENT)) {
            int pending = 0;
            for (PlanDiff.Changed change : diff.changed()) {
                Asset asset = change.asset();
                replan.setString(1, asset.input());
                setNullable(replan, 2, asset.part());
                replan.setString(3, asset.output());
                replan.setLong(4, asset.inputSize());
                replan.setLong(5, asset.inputMtimeMillis());
                replan.setObject(6, now);
                replan.setString(7, jobId);
                replan.setString(8, asset.id());
                replan.addBatch();
                addEvent(event, jobId, now, asset.id(), "replanned", change.detail(), fingerprint);
                if (++pending == BATCH) {
                    replan.executeBatch();
                    event.executeBatch();
                    pending = 0;
                }
            }
            replan.executeBatch();
            event.executeBatch();
        }
        if (!diff.added().isEmpty() && !asBlocks) { // a block's planned events stay in its row
            try (PreparedStatement ps = conn.prepareStatement(PLANNED_EVENTS)) {
                ps.setObject(1, now);
                setNullable(ps, 2, fingerprint);
                ps.setString(3, jobId);
                ps.setLong(4, seq);
                ps.executeUpdate();
            }
        }
        return diff.summary();
    }

    /** Streams {@code entries} into {@code cairn.asset} as pending rows with one {@code COPY}. */
    static void copyAssets(Connection conn, String jobId, List<Entry> entries, OffsetDateTime now)
            throws SQLException {
        String at = now.toString();
        StringBuilder rows = new StringBuilder();
        try (Copy copy = new Copy(conn, COPY_ASSETS)) {
            for (Entry e : entries) {
                Asset asset = e.asset();
                copyField(rows, jobId).append('\t');
                copyField(rows, asset.id()).append('\t').append(e.seq()).append('\t');
                copyField(rows, asset.input()).append('\t');
                copyField(rows, asset.part()).append('\t');
                copyField(rows, asset.output()).append('\t').append(asset.inputSize()).append('\t')
                        .append(asset.inputMtimeMillis()).append("\tpending\t").append(at).append('\n');
                copy.sendIfFull(rows);
            }
            copy.finish(rows);
        }
    }

    /** One {@code COPY … FROM STDIN}, started at the first rows sent; cancelled if not finished. */
    private static final class Copy implements AutoCloseable {
        private final Connection conn;
        private final String sql;
        private CopyIn copy;

        Copy(Connection conn, String sql) {
            this.conn = conn;
            this.sql = sql;
        }

        void sendIfFull(StringBuilder rows) throws SQLException {
            if (rows.length() >= COPY_CHUNK_CHARS) {
                send(rows);
            }
        }

        void finish(StringBuilder rows) throws SQLException {
            if (rows.length() > 0) {
                send(rows);
            }
            if (copy != null) {
                copy.endCopy();
                copy = null;
            }
        }

        private void send(StringBuilder rows) throws SQLException {
            if (copy == null) {
                copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            }
            byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            rows.setLength(0);
        }

        @Override
        public void close() throws SQLException {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Appends {@code value} as a field of COPY's text format: {@code \\N} for null, backslash escapes. */
    private static StringBuilder copyField(StringBuilder row, String value) {
        if (value == null) {
            return row.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(ch);
            }
        }
        return row;
    }

    private static void addEvent(PreparedStatement event, String jobId, OffsetDateTime at, String assetId, String kind,
                                 String detail, String fingerprint) throws SQLException {
        event.setString(1, jobId);
        event.setObject(2, at);
        event.setString(3, assetId);
        event.setString(4, kind);
        setNullable(event, 5, detail);
        setNullable(event, 6, fingerprint);
        event.addBatch();
    }

    static void setNullable(PreparedStatement st, int index, String value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.VARCHAR);
        } else {
            st.setString(index, value);
        }
    }
}
