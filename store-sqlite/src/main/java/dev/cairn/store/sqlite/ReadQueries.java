package dev.cairn.store.sqlite;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reads of {@link SqliteStore} (counts, asset listings, feature issues, the event log) for
 * one job, each inside the caller's read transaction. Each one sees the assets still in plan
 * blocks ({@link PlanBlocks}) as the pending rows they stand for, and their planned events under
 * their reserved seqs.
 */
final class ReadQueries {

    private static final String ASSET_COLUMNS = """
            id, input, part, output, input_size, input_mtime, state, worker, lease_until, attempt, tries,
            error_class, message, transient, features, skipped, checksum, updated_at""";

    private ReadQueries() {
    }

    static Map<AssetState, Long> counts(Connection conn, PlanBlocks blocks, String jobId) throws SQLException {
        Map<AssetState, Long> counts = new EnumMap<>(AssetState.class);
        for (AssetState state : AssetState.values()) {
            counts.put(state, 0L);
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT state, count(*) FROM asset WHERE job_id = ? GROUP BY state")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(AssetState.fromKey(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        counts.merge(AssetState.PENDING, blocks.pendingCount(jobId), Long::sum);
        return counts;
    }

    /** The job's assets in the given states (not empty), in planning order. */
    static List<AssetRecord> assets(Connection conn, PlanBlocks blocks, String jobId, Set<AssetState> states)
            throws SQLException {
        String in = states.stream().map(s -> "'" + s.key() + "'").collect(Collectors.joining(", "));

        List<Map.Entry<Long, AssetRecord>> records = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + ASSET_COLUMNS
                + ", seq FROM asset WHERE job_id = ? AND state IN (" + in + ") ORDER BY seq")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(Map.entry(rs.getLong(19), assetRecord(rs)));
                }
            }
        }
        if (states.contains(AssetState.PENDING)) {
            List<Map.Entry<Long, AssetRecord>> planned = blocks.records(jobId);
            if (!planned.isEmpty()) {
                records.addAll(planned);
                records.sort(Map.Entry.comparingByKey());
            }
        }
        return records.stream().map(Map.Entry::getValue).toList();
    }

    static List<FeatureIssueRecord> featureIssues(Connection conn, String jobId, int limit) throws SQLException {
        List<FeatureIssueRecord> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT e.asset_id, e.at, e.kind, e.detail
                FROM event e JOIN asset a ON a.job_id = e.job_id AND a.id = e.asset_id
                WHERE e.job_id = ? AND e.kind IN ('feature_skipped', 'feature_repaired', 'feature_kept', 'feature_approximated') AND a.state = 'done'
                  AND e.attempt = a.attempt
                ORDER BY a.seq, e.seq LIMIT ?""")) {
            ps.setString(1, jobId);
            ps.setInt(2, limit);
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
    }

    /** The newest {@code limit} (positive) events of the job, oldest first. */
    static List<Event> events(Connection conn, PlanBlocks blocks, String jobId, int limit) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT seq, at, asset_id, kind, worker, attempt, detail, fingerprint
                FROM event WHERE job_id = ? ORDER BY seq DESC LIMIT ?""")) {
            ps.setString(1, jobId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        // The planned events of assets still in blocks, under the seqs reserved for them: only
        // those above the oldest event read can be among the newest `limit`.
        long floor = events.size() < limit ? 0 : events.get(events.size() - 1).seq();
        List<Event> planned = blocks.plannedEvents(jobId, floor);
        if (!planned.isEmpty()) {
            events.addAll(planned);
            events.sort(Comparator.comparingLong(Event::seq).reversed());
            events = new ArrayList<>(events.subList(0, Math.min(limit, events.size())));
        }
        Collections.reverse(events);
        return events;
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

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
