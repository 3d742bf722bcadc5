package dev.cairn.store.postgresql;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Event;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.FeatureIssueRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The read side of {@link PostgresStore}: the queries behind {@code counts}, {@code assets},
 * {@code featureIssues} and {@code events}, and the mapping of rows to the engine's records, each
 * run in a transaction the store opens (it settles its prefetched claims first). Stateless.
 */
final class ReadRows {
    /** The columns {@link #assetRecord} reads, in its order. */
    static final String ASSET_COLUMNS = """
            id, input, part, output, input_size, input_mtime, state, worker, lease_until, attempt, tries,
            error_class, message, transient, features, skipped, checksum, updated_at""";

    private ReadRows() {
    }

    static Map<AssetState, Long> counts(Connection c, String jobId) throws SQLException {
        Map<AssetState, Long> counts = new EnumMap<>(AssetState.class);
        for (AssetState state : AssetState.values()) {
            counts.put(state, 0L);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT state, count(*) FROM cairn.asset WHERE job_id = ? GROUP BY state")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(AssetState.fromKey(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The job's asset rows in the states whose keys are {@code keys}, in plan order, keyed by seq. */
    static List<Map.Entry<Long, AssetRecord>> assets(Connection c, String jobId, Object[] keys) throws SQLException {
        List<Map.Entry<Long, AssetRecord>> records = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ASSET_COLUMNS
                + ", seq FROM cairn.asset WHERE job_id = ? AND state = ANY(?) ORDER BY seq")) {
            ps.setString(1, jobId);
            ps.setArray(2, c.createArrayOf("text", keys));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(Map.entry(rs.getLong(19), assetRecord(rs)));
                }
            }
        }
        return records;
    }

    /** The feature issues of the done assets' last attempts, in plan order. */
    static List<FeatureIssueRecord> featureIssues(Connection c, String jobId, int limit) throws SQLException {
        List<FeatureIssueRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT e.asset_id, e.at, e.kind, e.detail
                FROM cairn.event e JOIN cairn.asset a ON a.job_id = e.job_id AND a.id = e.asset_id
                WHERE e.job_id = ?
                  AND e.kind IN ('feature_skipped', 'feature_repaired', 'feature_kept', 'feature_approximated')
                  AND a.state = 'done' AND e.attempt = a.attempt
                ORDER BY a.seq, e.seq LIMIT ?""")) {
            ps.setString(1, jobId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String detail = rs.getString(4);
                    int space = detail.indexOf(' ');
                    ErrorClass cls = ErrorClass.fromKey(detail.substring(0, space));
                    out.add(new FeatureIssueRecord(rs.getString(1), instant(rs, 2),
                            new FeatureIssue(FeatureIssue.Action.ofEventKind(rs.getString(3)), cls,
                                    detail.substring(space + 1))));
                }
            }
        }
        return out;
    }

    /** The job's last {@code limit} events, oldest first. */
    static List<Event> events(Connection c, String jobId, int limit) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT seq, at, asset_id, kind, worker, attempt, detail, fingerprint
                FROM cairn.event WHERE job_id = ? ORDER BY seq DESC LIMIT ?""")) {
            ps.setString(1, jobId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        Collections.reverse(events);
        return events;
    }

    /** The asset of a row whose first six columns are those of {@link #ASSET_COLUMNS}. */
    static Asset asset(ResultSet rs) throws SQLException {
        return new Asset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6));
    }

    static AssetRecord assetRecord(ResultSet rs) throws SQLException {
        String errorClass = rs.getString(12);
        return new AssetRecord(asset(rs), AssetState.fromKey(rs.getString(7)), rs.getString(8), instant(rs, 9),
                rs.getInt(10), rs.getInt(11), errorClass == null ? null : ErrorClass.fromKey(errorClass),
                rs.getString(13), rs.getBoolean(14), rs.getLong(15), rs.getLong(16), rs.getString(17),
                instant(rs, 18));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
