package dev.cairn.store.sqlite;

import dev.cairn.engine.Asset;
import dev.cairn.engine.PlanSummary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The body of {@link SqliteStore#plan}: runs inside the caller's write transaction. The stored
 * fingerprints are read in one scan and the writes are sent in JDBC batches, so planning 100,000
 * assets costs one transaction, not 100,000 round trips.
 *
 * <p>A changed asset that is {@code running} keeps its attempt number, so the claim still in
 * flight is fenced off: the next claim gets a higher attempt than the old one. Any other changed
 * asset starts again from attempt 0.
 */
final class PlanWriter {

    private static final int BATCH = 5_000;

    private static final String INSERT_ASSET = """
            INSERT INTO asset (id, seq, input, part, output, input_size, input_mtime, state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)""";

    private static final String REPLAN_ASSET = """
            UPDATE asset SET input = ?, part = ?, output = ?, input_size = ?, input_mtime = ?,
                state = 'pending', worker = NULL, lease_until = NULL,
                attempt = CASE WHEN state = 'running' THEN attempt ELSE 0 END, tries = 0,
                error_class = NULL, message = NULL, transient = 0,
                features = 0, skipped = 0, checksum = NULL, updated_at = ?
            WHERE id = ?""";

    private static final String INSERT_EVENT = """
            INSERT INTO event (at, asset_id, kind, worker, attempt, detail, fingerprint)
            VALUES (?, ?, ?, NULL, 0, ?, ?)""";

    private PlanWriter() {
    }

    static PlanSummary plan(Connection conn, List<Asset> assets, long nowMillis, String fingerprint)
            throws SQLException {
        Map<String, Asset> known = new HashMap<>();
        long seq;
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT id, input, part, output, input_size, input_mtime FROM asset")) {
                while (rs.next()) {
                    known.put(rs.getString(1), new Asset(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getLong(5), rs.getLong(6)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM asset")) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        int added = 0;
        int unchanged = 0;
        int changed = 0;
        Set<String> seen = new HashSet<>();
        try (PreparedStatement insert = conn.prepareStatement(INSERT_ASSET);
             PreparedStatement replan = conn.prepareStatement(REPLAN_ASSET);
             PreparedStatement event = conn.prepareStatement(INSERT_EVENT)) {
            int pending = 0;
            for (Asset asset : assets) {
                if (!seen.add(asset.id())) {
                    throw new IllegalArgumentException("Asset id " + asset.id()
                            + " is planned twice; asset ids must be unique within a job.");
                }
                Asset old = known.get(asset.id());
                String detail;
                if (old == null) {
                    added++;
                    insert.setString(1, asset.id());
                    insert.setLong(2, ++seq);
                    insert.setString(3, asset.input());
                    setNullable(insert, 4, asset.part());
                    insert.setString(5, asset.output());
                    insert.setLong(6, asset.inputSize());
                    insert.setLong(7, asset.inputMtimeMillis());
                    insert.setLong(8, nowMillis);
                    insert.addBatch();
                    addEvent(event, nowMillis, asset.id(), "planned", null, fingerprint);
                } else if ((detail = differences(old, asset)) != null) {
                    changed++;
                    replan.setString(1, asset.input());
                    setNullable(replan, 2, asset.part());
                    replan.setString(3, asset.output());
                    replan.setLong(4, asset.inputSize());
                    replan.setLong(5, asset.inputMtimeMillis());
                    replan.setLong(6, nowMillis);
                    replan.setString(7, asset.id());
                    replan.addBatch();
                    addEvent(event, nowMillis, asset.id(), "replanned", detail, fingerprint);
                } else {
                    unchanged++;
                    continue;
                }
                if (++pending == BATCH) {
                    insert.executeBatch();
                    replan.executeBatch();
                    event.executeBatch();
                    pending = 0;
                }
            }
            insert.executeBatch();
            replan.executeBatch();
            event.executeBatch();
        }
        return new PlanSummary(added, unchanged, changed);
    }

    /** What changed between the stored and the planned asset, or null when nothing did. */
    private static String differences(Asset old, Asset now) {
        List<String> diffs = new ArrayList<>();
        if (old.inputSize() != now.inputSize()) {
            diffs.add("input size " + old.inputSize() + " → " + now.inputSize());
        }
        if (old.inputMtimeMillis() != now.inputMtimeMillis()) {
            diffs.add("input mtime " + old.inputMtimeMillis() + " → " + now.inputMtimeMillis());
        }
        if (!old.input().equals(now.input())) {
            diffs.add("input " + old.input() + " → " + now.input());
        }
        if (!Objects.equals(old.part(), now.part())) {
            diffs.add("part " + old.part() + " → " + now.part());
        }
        if (!old.output().equals(now.output())) {
            diffs.add("output " + old.output() + " → " + now.output());
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    private static void addEvent(PreparedStatement event, long at, String assetId, String kind, String detail,
                                 String fingerprint) throws SQLException {
        event.setLong(1, at);
        event.setString(2, assetId);
        event.setString(3, kind);
        setNullable(event, 4, detail);
        setNullable(event, 5, fingerprint);
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
