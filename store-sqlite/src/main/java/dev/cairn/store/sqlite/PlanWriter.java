package dev.cairn.store.sqlite;

import dev.cairn.engine.Asset;
import dev.cairn.engine.PlanDiff;
import dev.cairn.engine.PlanSummary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@link SqliteStore#plan} for one job: runs inside the caller's write transaction.
 * The known assets (rows, and those still in plan blocks) are read in one scan each; the new ones
 * are written as plan blocks ({@link PlanBlocks}), the changed ones updated in JDBC batches (a
 * changed asset still in a block dissolves its block first). So planning 1,000,000 assets costs
 * one transaction of about 250 block rows.
 *
 * <p>A changed asset that is {@code running} keeps its attempt number, so the claim still in
 * flight is fenced off: the next claim gets a higher attempt than the old one. Any other changed
 * asset starts again from attempt 0.
 */
final class PlanWriter {

    private static final int BATCH = 5_000;

    private static final String REPLAN_ASSET = """
            UPDATE asset SET input = ?, part = ?, output = ?, input_size = ?, input_mtime = ?,
                state = 'pending', worker = NULL, lease_until = NULL,
                attempt = CASE WHEN state = 'running' THEN attempt ELSE 0 END, tries = 0,
                error_class = NULL, message = NULL, transient = 0,
                features = 0, skipped = 0, checksum = NULL, updated_at = ?
            WHERE job_id = ? AND id = ?""";

    private static final String INSERT_EVENT = """
            INSERT INTO event (job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            VALUES (?, ?, ?, ?, NULL, 0, ?, ?)""";

    private static final String KNOWN_ASSETS = """
            SELECT id, input, part, output, input_size, input_mtime FROM asset WHERE job_id = ?""";

    private static final String LAST_SEQ = "SELECT coalesce(max(seq), 0) FROM asset WHERE job_id = ?";

    private PlanWriter() {
    }

    /**
     * Plans {@code assets} into the job {@code jobId} ({@link JobTable#NO_JOB} for none); its
     * events carry {@code fingerprint}.
     */
    static PlanSummary plan(Connection conn, PlanBlocks blocks, String jobId, String fingerprint, List<Asset> assets,
                            long nowMillis) throws SQLException {
        Map<String, Asset> known = new HashMap<>();
        blocks.known(jobId, known);
        long seq;
        try (PreparedStatement st = conn.prepareStatement(KNOWN_ASSETS)) {
            st.setString(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getString(1), new Asset(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        try (PreparedStatement st = conn.prepareStatement(LAST_SEQ)) {
            st.setString(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                seq = Math.max(rs.getLong(1), blocks.maxSeq(jobId));
            }
        }
        PlanDiff diff = PlanDiff.of(assets, known);
        if (!diff.changed().isEmpty()) {
            // A changed asset still in a block becomes a row first, so the update below finds it.
            Set<String> changed = new HashSet<>();
            diff.changed().forEach(c -> changed.add(c.asset().id()));
            blocks.dissolveWhere(jobId, changed::contains);
        }
        long firstNewSeq = seq;
        if (!diff.added().isEmpty()) {
            blocks.write(jobId, fingerprint, diff.added(), firstNewSeq + 1, nowMillis);
        }
        replan(conn, jobId, fingerprint, diff.changed(), nowMillis);
        return diff.summary();
    }

    private static void replan(Connection conn, String jobId, String fingerprint, List<PlanDiff.Changed> changes,
                               long nowMillis) throws SQLException {
        try (PreparedStatement replan = conn.prepareStatement(REPLAN_ASSET);
             PreparedStatement event = conn.prepareStatement(INSERT_EVENT)) {
            int pending = 0;
            for (PlanDiff.Changed change : changes) {
                Asset asset = change.asset();
                replan.setString(1, asset.input());
                setNullable(replan, 2, asset.part());
                replan.setString(3, asset.output());
                replan.setLong(4, asset.inputSize());
                replan.setLong(5, asset.inputMtimeMillis());
                replan.setLong(6, nowMillis);
                replan.setString(7, jobId);
                replan.setString(8, asset.id());
                replan.addBatch();
                addEvent(event, jobId, nowMillis, asset.id(), "replanned", change.detail(), fingerprint);
                if (++pending == BATCH) {
                    replan.executeBatch();
                    event.executeBatch();
                    pending = 0;
                }
            }
            replan.executeBatch();
            event.executeBatch();
        }
    }

    private static void addEvent(PreparedStatement event, String jobId, long at, String assetId, String kind,
                                 String detail, String fingerprint) throws SQLException {
        event.setString(1, jobId);
        event.setLong(2, at);
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
