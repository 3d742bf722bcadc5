package dev.cairn.store.postgresql;

import static dev.cairn.engine.PlanBlockCodec.CLAIM_ORDER;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Event;
import dev.cairn.engine.PlanBlockCodec;
import dev.cairn.engine.PlanBlockCodec.Entry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The new assets of a large plan, kept as blocks until claims reach them: what lets the store plan
 * 1,000,000 assets in about 1.3 s, where a row each took 14–17 s on the benchmark machine (in
 * {@code psql}, the {@code COPY} of the rows alone took 11 s and their {@code planned} events 6 s:
 * three B-tree inserts per asset, two per event). A block is one row of {@code cairn.plan_block}
 * holding up to {@link Layout#assetsPerBlock} assets in one payload ({@link PlanBlockCodec}),
 * sorted in claim order; a plan's blocks cut its sorted new assets in consecutive runs, so its
 * first block holds its largest inputs.
 *
 * <pre>
 * cairn.plan_block(job_id, block_no, PK (both),  block_no = order of writing within the job
 *                  head_size, head_seq,          its first asset in claim order
 *                  min_seq, max_seq, assets,     the asset seqs it holds, how many
 *                  event_delta,                  an asset's planned event has seq = asset seq + event_delta
 *                  planned_at, fingerprint,      the planned events' time and job fingerprint
 *                  payload,                      the assets in claim order
 *                  dissolved)                    whether its assets are rows now
 *   index plan_block_head (job_id, head_size DESC, head_seq) WHERE NOT dissolved      claim()
 * </pre>
 *
 * <p><b>A block is dissolved whole, never partly taken.</b> A claim reads the {@link #head} of
 * the first block not dissolved (in claim order) and takes no pending row after it. When it comes
 * short of k, it <em>dissolves</em> that block in a transaction of its own
 * ({@link #dissolveForClaim}): the block's assets become pending rows in one {@code COPY} and the
 * row is marked {@code dissolved}, then it claims the rest. So the claim order is exactly that of
 * a plan of rows, and the claim itself, its fencing, its recovery of expired leases, and every
 * transition after it are those of rows, unchanged. Dissolving early never changes the order, so
 * a {@link PgBlockDissolver} dissolves the next block ahead of the claims on a connection of its
 * own. The row of a dissolved block stays while the job does and holds its assets' planned
 * events: they are never written as rows.
 *
 * <p><b>Crash cases.</b> Killed while writing blocks: the plan's transaction rolls back, no block
 * and no row exist. Killed while dissolving: that transaction rolls back, the block is whole and
 * not dissolved. Two transactions dissolving one block: the second one's {@code UPDATE} waits for
 * the first to commit, then finds it dissolved and does nothing. Killed after reserving event
 * seqs ({@link #reserveEventSeqs}) but before the plan commits: the seqs are a gap, as with any
 * rolled-back insert. Proved with real processes by {@code PgEngineAsLibraryKillTest}.
 *
 * <p><b>A plan of blocks reads like a plan of rows</b>: {@link #pendingCount} adds the assets of
 * the blocks not dissolved to {@code counts()}; {@link #records} and {@link #plannedEvents}
 * decode them for {@code assets()} and {@code events()}; a re-plan knows them ({@link #known})
 * and dissolves the blocks of those that changed, {@code removeUnplanned} those of the assets
 * that go ({@link #dissolveHolding}, {@link #dissolveNotIn}). Stateless; every method runs on
 * the caller's connection.
 */
final class PgPlanBlocks {

    /**
     * How plans are cut: a plan of at least {@code threshold} new assets is written as blocks of
     * {@code assetsPerBlock}; with {@code dissolveAhead}, a {@link PgBlockDissolver} dissolves
     * the next block before the claims reach it. Tests use tiny blocks so that every path meets
     * them, and turn the dissolver off where they count blocks.
     */
    record Layout(int threshold, int assetsPerBlock, boolean dissolveAhead) {
        static final Layout DEFAULT = new Layout(100_000, 4_096, true);

        Layout(int threshold, int assetsPerBlock) {
            this(threshold, assetsPerBlock, true);
        }

        Layout {
            if (threshold < 1 || assetsPerBlock < 1) {
                throw new IllegalArgumentException("Bad plan block layout: " + threshold + ", " + assetsPerBlock);
            }
        }
    }

    /** The first asset in claim order of the block that comes first: a claim takes no pending row after it. */
    record Head(long blockNo, long size, long seq) {
        /** Stands for no block: every row comes before it. */
        static final Head NONE = new Head(0, Long.MIN_VALUE, 0);
    }

    private static final String INSERT_BLOCK = """
            INSERT INTO cairn.plan_block (job_id, block_no, head_size, head_seq, min_seq, max_seq, assets,
                event_delta, planned_at, fingerprint, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String HEAD = """
            SELECT block_no, head_size, head_seq FROM cairn.plan_block WHERE job_id = ? AND NOT dissolved
            ORDER BY head_size DESC, head_seq LIMIT 1""";

    private static final String TAKE = """
            UPDATE cairn.plan_block SET dissolved = true WHERE job_id = ? AND block_no = ? AND NOT dissolved
            RETURNING planned_at, payload""";

    private static final String BLOCKS = """
            SELECT block_no, event_delta, planned_at, fingerprint, payload
            FROM cairn.plan_block WHERE job_id = ?""";

    /** The blocks of a job whose assets are not rows yet. */
    private static final String UNDISSOLVED = " AND NOT dissolved";

    /** The blocks of a job with a planned event at or after a seq (bound after the job). */
    private static final String EVENTS_FROM = " AND max_seq + event_delta >= ?";

    private PgPlanBlocks() {
    }

    /**
     * Reserves {@code n} consecutive seqs of {@code cairn.event} for the {@code planned} events of
     * a plan of blocks and returns the first. Runs in a transaction of its own, before the plan's
     * (so that it holds no other lock while it waits): the table lock keeps every other insert of
     * events, which would take numbers from the same sequence, out between {@code nextval} and
     * {@code setval}; it waits only for transactions in flight and is held for a millisecond.
     */
    static long reserveEventSeqs(Connection c, int n) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE cairn.event IN SHARE ROW EXCLUSIVE MODE");
            try (ResultSet rs = st.executeQuery("""
                    SELECT setval(s, nextval(s) + %d) - %d
                    FROM pg_get_serial_sequence('cairn.event', 'seq') AS s""".formatted(n - 1, n - 1))) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Writes {@code added}, which hold seqs {@code firstSeq + 1} on in their order, as blocks of
     * the job; their planned events take seqs {@code firstEventSeq} on.
     */
    static void write(Connection c, String jobId, String fingerprint, List<Asset> added, long firstSeq,
                      long firstEventSeq, OffsetDateTime now, Layout layout) throws SQLException {
        List<Entry> entries = new ArrayList<>(added.size());
        long seq = firstSeq;
        for (Asset asset : added) {
            entries.add(new Entry(++seq, asset));
        }
        entries.sort(CLAIM_ORDER);
        long blockNo = lastBlockNo(c, jobId);
        try (PreparedStatement ps = c.prepareStatement(INSERT_BLOCK)) {
            for (int from = 0; from < entries.size(); from += layout.assetsPerBlock()) {
                List<Entry> block = entries.subList(from, Math.min(entries.size(), from + layout.assetsPerBlock()));
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (Entry e : block) {
                    min = Math.min(min, e.seq());
                    max = Math.max(max, e.seq());
                }
                ps.setString(1, jobId);
                ps.setLong(2, ++blockNo);
                ps.setLong(3, block.get(0).asset().inputSize());
                ps.setLong(4, block.get(0).seq());
                ps.setLong(5, min);
                ps.setLong(6, max);
                ps.setInt(7, block.size());
                ps.setLong(8, firstEventSeq - firstSeq - 1);
                ps.setObject(9, now);
                PlanRows.setNullable(ps, 10, fingerprint);
                ps.setBytes(11, PlanBlockCodec.encode(block));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The job's block whose first asset comes first in claim order, or {@link Head#NONE}. */
    static Head head(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEAD)) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : Head.NONE;
            }
        }
    }

    /**
     * Dissolves block {@code head} of the job in a transaction of its own (a claim came short of
     * it) and runs {@code ANALYZE} if the table outgrew its statistics. The connection is in
     * auto-commit and is left so.
     */
    static void dissolveForClaim(Connection c, String jobId, Head head) throws SQLException {
        c.setAutoCommit(false);
        boolean committed = false;
        try {
            dissolve(c, jobId, head.blockNo());
            c.commit();
            committed = true;
        } finally {
            try {
                if (!committed) {
                    c.rollback();
                }
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the caller's retry opens a new one
            }
        }
        analyzeIfOutgrown(c, jobId);
    }

    /**
     * Runs {@code ANALYZE cairn.asset} each time the rows dissolved from the job's blocks reach
     * twice the rows the table's statistics know of (so about log2(blocks) times in a job).
     * Without it, the statements prepared while the table was small keep plans made for a small
     * table: seen with auto_explain, the group commit of completions found its rows with a bitmap
     * scan of every row of the job (12–25 ms a batch, the no-op runner at a third of the rate of
     * a plan of rows), where with statistics it looks each one up by primary key. ANALYZE
     * invalidates those plans. {@code SKIP_LOCKED}: if another worker is analyzing, this one goes on.
     */
    static void analyzeIfOutgrown(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT coalesce(sum(assets), 0) FROM cairn.plan_block WHERE job_id = ? AND dissolved),
                       (SELECT reltuples FROM pg_class WHERE oid = 'cairn.asset'::regclass)""")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getDouble(1) < 2 * rs.getDouble(2)) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("ANALYZE (SKIP_LOCKED) cairn.asset");
        }
    }

    /**
     * Dissolves block {@code blockNo} of the job inside the caller's transaction: deletes its row
     * and writes its assets as pending rows and its planned events as event rows. Returns how many
     * assets it turned into rows: 0 when the block is gone (another transaction dissolved it; a
     * second transaction dissolving the same block waits for the first to commit, then finds it gone).
     */
    static int dissolve(Connection c, String jobId, long blockNo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE)) {
            ps.setString(1, jobId);
            ps.setLong(2, blockNo);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                OffsetDateTime plannedAt = rs.getObject(1, OffsetDateTime.class);
                List<Entry> entries = new ArrayList<>(PlanBlockCodec.decode(rs.getBytes(2)));
                entries.sort((a, b) -> Long.compare(a.seq(), b.seq()));
                PlanRows.copyAssets(c, jobId, entries, plannedAt);
                return entries.size();
            }
        }
    }

    /** Dissolves, in the caller's transaction, every block of the job holding an asset whose id is in {@code ids}. */
    static void dissolveHolding(Connection c, String jobId, Set<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        for (long blockNo : blocksHolding(c, jobId, ids::contains)) {
            dissolve(c, jobId, blockNo);
        }
    }

    /** Dissolves, in the caller's transaction, every block of the job holding an asset whose id is not in {@code keep}. */
    static void dissolveNotIn(Connection c, String jobId, Set<String> keep) throws SQLException {
        for (long blockNo : blocksHolding(c, jobId, id -> !keep.contains(id))) {
            dissolve(c, jobId, blockNo);
        }
    }

    private static List<Long> blocksHolding(Connection c, String jobId, java.util.function.Predicate<String> match)
            throws SQLException {
        List<Long> found = new ArrayList<>();
        forEachBlock(c, jobId, UNDISSOLVED, null, block -> {
            for (Entry e : block.entries()) {
                if (match.test(e.asset().id())) {
                    found.add(block.blockNo());
                    return;
                }
            }
        });
        return found;
    }

    /** Puts the job's block assets into {@code known} by id (for a re-plan's diff). */
    static void known(Connection c, String jobId, Map<String, Asset> known) throws SQLException {
        forEachBlock(c, jobId, UNDISSOLVED, null,
                block -> block.entries().forEach(e -> known.put(e.asset().id(), e.asset())));
    }

    /** The largest asset seq the job's blocks hold, or 0. */
    static long maxSeq(Connection c, String jobId) throws SQLException {
        return single(c, "SELECT coalesce(max(max_seq), 0) FROM cairn.plan_block WHERE job_id = ?", jobId);
    }

    /** How many assets the job's blocks not dissolved hold: all pending. */
    static long pendingCount(Connection c, String jobId) throws SQLException {
        return single(c, "SELECT coalesce(sum(assets), 0) FROM cairn.plan_block WHERE job_id = ?" + UNDISSOLVED,
                jobId);
    }

    /** The assets of the job's blocks not dissolved, as the pending records a plan of rows would show, keyed by seq. */
    static List<Map.Entry<Long, AssetRecord>> records(Connection c, String jobId) throws SQLException {
        List<Map.Entry<Long, AssetRecord>> records = new ArrayList<>();
        forEachBlock(c, jobId, UNDISSOLVED, null, block -> {
            Instant at = block.plannedAt().toInstant();
            for (Entry e : block.entries()) {
                records.add(Map.entry(e.seq(), new AssetRecord(e.asset(), AssetState.PENDING, null, null, 0, 0, null,
                        null, false, 0, 0, null, at)));
            }
        });
        return records;
    }

    /** The planned events of the assets of all the job's blocks, dissolved or not, with seqs of at least {@code fromSeq}. */
    static List<Event> plannedEvents(Connection c, String jobId, long fromSeq) throws SQLException {
        List<Event> events = new ArrayList<>();
        forEachBlock(c, jobId, EVENTS_FROM, fromSeq, block -> {
            Instant at = block.plannedAt().toInstant();
            for (Entry e : block.entries()) {
                long seq = e.seq() + block.eventDelta();
                if (seq >= fromSeq) {
                    events.add(new Event(seq, at, e.asset().id(), "planned", null, 0, null, block.fingerprint()));
                }
            }
        });
        return events;
    }

    /** Whether the store has {@code cairn.plan_block}: a version 2 store opened read-only has none. */
    static boolean present(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('cairn.plan_block') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    // ---- plumbing -----------------------------------------------------------------------

    private record Block(long blockNo, long eventDelta, OffsetDateTime plannedAt, String fingerprint,
                         Collection<Entry> entries) {
    }

    private interface BlockVisitor {
        void visit(Block block) throws SQLException;
    }

    /**
     * Decodes the job's blocks that meet {@code condition} (with its one parameter, or none when
     * null) in the order they were written and hands each to {@code visitor}.
     */
    private static void forEachBlock(Connection c, String jobId, String condition, Long parameter,
                                     BlockVisitor visitor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BLOCKS + condition + " ORDER BY block_no")) {
            ps.setString(1, jobId);
            if (parameter != null) {
                ps.setLong(2, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    visitor.visit(new Block(rs.getLong(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class),
                            rs.getString(4), PlanBlockCodec.decode(rs.getBytes(5))));
                }
            }
        }
    }

    private static long lastBlockNo(Connection c, String jobId) throws SQLException {
        return single(c, "SELECT coalesce(max(block_no), 0) FROM cairn.plan_block WHERE job_id = ?", jobId);
    }

    private static long single(Connection c, String sql, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
