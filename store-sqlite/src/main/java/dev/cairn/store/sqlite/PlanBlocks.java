package dev.cairn.store.sqlite;

import static dev.cairn.engine.PlanBlockCodec.CLAIM_ORDER;
import static dev.cairn.store.sqlite.PlanWriter.setNullable;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The assets of a plan, kept as blocks instead of rows: what lets the store plan 1,000,000
 * assets in about a second (seven with a row each). A row per asset costs five B-tree inserts (the table, its primary key,
 * {@code asset_seq}, {@code asset_claim}, and the {@code planned} event with {@code event_job}):
 * in the {@code sqlite3} shell, without JDBC, 4 s for a million. A block is one row holding up to
 * {@link Layout#assetsPerBlock} assets in one blob, sorted in claim order (larger input first,
 * then planning order). A claim takes assets from the front of the blocks and inserts each one's
 * row directly as {@code running}: the row is written once, when it is needed, where a plan of
 * rows writes it at planning and rewrites it at the claim.
 *
 * <pre>
 * plan_block(job_id, block_no, PK (both),      block_no = order of writing within the job
 *            head_size, head_seq,              its first asset not yet taken (the last one when all are)
 *            min_seq, max_seq, assets, taken,  the asset seqs it holds, how many, how many are rows now
 *            event_offset,                     an asset's planned event has seq = asset seq + event_offset
 *            planned_at, fingerprint,          the planned events' time and job fingerprint
 *            payload)                          the assets in claim order, {@link PlanBlockCodec#encode encoded}
 *   index plan_block_head (job_id, head_size DESC, head_seq) WHERE taken &lt; assets     claim()
 * </pre>
 *
 * <p><b>A plan of blocks reads exactly like a plan of rows.</b> The first {@code taken} assets of
 * a block are rows; the others are {@code pending}, never claimed, attempt 0. Every asset's seq
 * and the seq of its {@code planned} event are reserved when the block is written
 * ({@code sqlite_sequence} of {@code event} is advanced past them). The block row stays while the
 * job does and holds the planned events of all its assets:
 * <ul>
 *   <li>{@code claim()} merges the next assets of the blocks ({@link #upcoming}) with the pending
 *       and expired rows, in claim order; those it takes become running rows
 *       ({@link #insertRunning}) and the blocks' {@code taken} advance ({@link #advance});</li>
 *   <li>{@code counts()} adds the assets not taken to {@code pending} ({@link #pendingCount});
 *       {@code assets()} and {@code events()} decode them ({@link #records}, {@link #plannedEvents});</li>
 *   <li>a re-plan reads the assets not taken as known ({@link #known}); a change to one of them
 *       and {@code removeUnplanned} of one first <em>dissolve</em> its block ({@link #dissolveWhere}):
 *       its planned events become event rows under their reserved seqs, the assets not taken
 *       pending rows, and the block row goes; the row-based statements then apply as they would.</li>
 * </ul>
 * Every method runs inside its caller's transaction, so a claim's rows, its events and the
 * blocks' {@code taken} commit together or not at all (a process killed mid-claim leaves the
 * blocks as they were). Decoded payloads are cached by block (a payload never changes while its
 * row exists; see {@link #cacheKey}). Not thread-safe; the store serializes its calls.
 *
 * <p>The payload's bytes are {@link PlanBlockCodec}'s, shared with the PostgreSQL store.
 */
final class PlanBlocks implements AutoCloseable {

    /** How many assets a block holds at most. */
    record Layout(int assetsPerBlock) {
        /**
         * 4,096: a block of a million-asset plan is about 200 KB, a plan of a million 245 block
         * rows, and a claim that opens one decodes it in about a millisecond (once: the decoded
         * block is cached).
         */
        static final Layout DEFAULT = new Layout(4_096);

        Layout {
            if (assetsPerBlock < 1) {
                throw new IllegalArgumentException("assetsPerBlock must be positive: " + assetsPerBlock);
            }
        }
    }

    /** A block's row without its payload; headSize and headSeq are those of its first asset not taken. */
    private record Head(long blockNo, int taken, int assets, long eventOffset, long plannedAt, String fingerprint,
                        long headSize, long headSeq) {
    }

    /** A decoded block. */
    record Block(long blockNo, int taken, long plannedAt, String fingerprint, long eventOffset, List<Entry> entries) {
        List<Entry> notTaken() {
            return entries.subList(taken, entries.size());
        }
    }

    /** An asset of block {@code blockNo} not yet taken: its entry, its index in the block, the block's entries. */
    record Upcoming(long blockNo, int index, Entry entry, List<Entry> block) {
    }

    private static final String INSERT_BLOCK = """
            INSERT INTO plan_block (job_id, block_no, head_size, head_seq, min_seq, max_seq, assets, taken,
                event_offset, planned_at, fingerprint, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)""";

    /** The blocks with assets not yet taken, best head first; binds job, limit. */
    private static final String HEADS = """
            SELECT block_no, taken, assets, event_offset, planned_at, fingerprint, head_size, head_seq FROM plan_block
            WHERE job_id = ? AND taken < assets ORDER BY head_size DESC, head_seq LIMIT ?""";

    private static final String BLOCKS = """
            SELECT block_no, taken, assets, event_offset, planned_at, fingerprint, head_size, head_seq FROM plan_block
            WHERE job_id = ?""";

    private static final String PAYLOAD = "SELECT payload FROM plan_block WHERE job_id = ? AND block_no = ?";

    private static final String ADVANCE = """
            UPDATE plan_block SET taken = ?, head_size = ?, head_seq = ? WHERE job_id = ? AND block_no = ?""";

    private static final String INSERT_PENDING = """
            INSERT INTO asset (job_id, id, seq, input, part, output, input_size, input_mtime, state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)""";

    /** A claimed asset's row, as a claim of its pending row would leave it. */
    private static final String INSERT_RUNNING = """
            INSERT INTO asset (job_id, id, seq, input, part, output, input_size, input_mtime, state, worker,
                lease_until, attempt, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, 1, ?)""";

    private static final String INSERT_PLANNED_EVENT = """
            INSERT INTO event (seq, job_id, at, asset_id, kind, worker, attempt, detail, fingerprint)
            VALUES (?, ?, ?, ?, 'planned', NULL, 0, NULL, ?)""";

    private static final int CACHED_BLOCKS = 8;

    private final Connection conn;
    private final StatementCache statements;
    private final Map<String, List<Entry>> decoded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Entry>> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };
    private Layout layout = Layout.DEFAULT;

    PlanBlocks(Connection conn) {
        this.conn = conn;
        this.statements = new StatementCache(conn);
    }

    /** For tests: smaller blocks make the contract suite's plans span several. */
    void layout(Layout layout) {
        this.layout = layout;
    }

    /**
     * Writes {@code added} (in planning order, seqs {@code firstSeq}, {@code firstSeq + 1}, …) as
     * blocks cut in claim order, and reserves the seqs of their {@code planned} events.
     */
    void write(String jobId, String fingerprint, List<Asset> added, long firstSeq, long nowMillis)
            throws SQLException {
        int n = added.size();
        long lastEventSeq = lastEventSeq();
        // The planned event of the asset with seq s gets lastEventSeq + 1 + (s - firstSeq): the
        // order a plan of rows records them in.
        long eventOffset = lastEventSeq + 1 - firstSeq;
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR REPLACE INTO sqlite_sequence (rowid, name, seq) VALUES"
                        + " ((SELECT rowid FROM sqlite_sequence WHERE name = 'event'), 'event', ?)")) {
            ps.setLong(1, lastEventSeq + n);
            ps.executeUpdate();
        }
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(firstSeq + i, added.get(i)));
        }
        entries.sort(CLAIM_ORDER);
        long blockNo = nextBlockNo(jobId);
        try (PreparedStatement insert = conn.prepareStatement(INSERT_BLOCK)) {
            for (int from = 0; from < n; from += layout.assetsPerBlock()) {
                List<Entry> block = entries.subList(from, Math.min(n, from + layout.assetsPerBlock()));
                long minSeq = Long.MAX_VALUE;
                long maxSeq = Long.MIN_VALUE;
                for (Entry e : block) {
                    minSeq = Math.min(minSeq, e.seq());
                    maxSeq = Math.max(maxSeq, e.seq());
                }
                insert.setString(1, jobId);
                insert.setLong(2, blockNo++);
                insert.setLong(3, block.get(0).asset().inputSize());
                insert.setLong(4, block.get(0).seq());
                insert.setLong(5, minSeq);
                insert.setLong(6, maxSeq);
                insert.setInt(7, block.size());
                insert.setLong(8, eventOffset);
                insert.setLong(9, nowMillis);
                setNullable(insert, 10, fingerprint);
                insert.setBytes(11, PlanBlockCodec.encode(block));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The highest event seq used or reserved so far. */
    private long lastEventSeq() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0),
                           coalesce((SELECT max(seq) FROM event), 0))""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long nextBlockNo(String jobId) throws SQLException {
        return aggregate("coalesce(max(block_no), 0) + 1", jobId);
    }

    /** The highest asset seq held by the job's blocks, 0 for none. */
    long maxSeq(String jobId) throws SQLException {
        return aggregate("coalesce(max(max_seq), 0)", jobId);
    }

    /** How many assets of the job's blocks are not taken yet: all of them pending. */
    long pendingCount(String jobId) throws SQLException {
        return aggregate("coalesce(sum(assets - taken), 0)", jobId);
    }

    /** One aggregate over the job's blocks. */
    private long aggregate(String expression, String jobId) throws SQLException {
        PreparedStatement ps = prepared("SELECT " + expression + " FROM plan_block WHERE job_id = ?");
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The first {@code k} assets of the job's blocks not yet taken, in claim order: a merge of
     * the blocks' fronts. A block is decoded only when its head comes before every asset of the
     * blocks already open (the blocks of one plan follow each other, so a claim rarely opens more
     * than one).
     */
    List<Upcoming> upcoming(String jobId, int k) throws SQLException {
        List<Head> heads = new ArrayList<>();
        PreparedStatement ps = prepared(HEADS);
        ps.setString(1, jobId);
        ps.setInt(2, k);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                heads.add(head(rs));
            }
        }
        if (heads.isEmpty()) {
            return List.of();
        }
        record Cursor(Head head, List<Entry> entries, int index) {
            Entry entry() {
                return entries.get(index);
            }
        }
        PriorityQueue<Cursor> fronts = new PriorityQueue<>(Comparator.comparing(Cursor::entry, CLAIM_ORDER));
        int opened = 0;
        List<Upcoming> out = new ArrayList<>(k);
        while (out.size() < k) {
            // Open the next block (heads come best first) while its head beats every open front.
            while (opened < heads.size() && (fronts.isEmpty() || headFirst(heads.get(opened), fronts.peek().entry()))) {
                Head h = heads.get(opened++);
                fronts.add(new Cursor(h, entries(jobId, h), h.taken()));
            }
            if (fronts.isEmpty()) {
                break;
            }
            Cursor c = fronts.poll();
            out.add(new Upcoming(c.head().blockNo(), c.index(), c.entry(), c.entries()));
            if (c.index() + 1 < c.entries().size()) {
                fronts.add(new Cursor(c.head(), c.entries(), c.index() + 1));
            }
        }
        return out;
    }

    private static boolean headFirst(Head h, Entry e) {
        return h.headSize() > e.asset().inputSize() || (h.headSize() == e.asset().inputSize() && h.headSeq() < e.seq());
    }

    /** Inserts the row of a block's asset claimed by {@code workerId}, attempt 1. */
    void insertRunning(String jobId, Entry e, String workerId, long nowMillis, long untilMillis) throws SQLException {
        PreparedStatement ps = prepared(INSERT_RUNNING);
        bindRow(ps, jobId, e);
        ps.setString(9, workerId);
        ps.setLong(10, untilMillis);
        ps.setLong(11, nowMillis);
        ps.executeUpdate();
    }

    /** Binds the first eight columns of an asset row: job, id, seq, input, part, output, size, mtime. */
    private static void bindRow(PreparedStatement ps, String jobId, Entry e) throws SQLException {
        Asset a = e.asset();
        ps.setString(1, jobId);
        ps.setString(2, a.id());
        ps.setLong(3, e.seq());
        ps.setString(4, a.input());
        setNullable(ps, 5, a.part());
        ps.setString(6, a.output());
        ps.setLong(7, a.inputSize());
        ps.setLong(8, a.inputMtimeMillis());
    }

    /**
     * Records that the {@code taken} assets (a prefix of each block's assets not taken, as
     * {@link #upcoming} gives them) are rows now: each block's {@code taken} and head move on.
     */
    void advance(String jobId, List<Upcoming> taken) throws SQLException {
        Map<Long, Upcoming> last = new LinkedHashMap<>();
        for (Upcoming u : taken) {
            last.put(u.blockNo(), u);
        }
        PreparedStatement ps = prepared(ADVANCE);
        for (Upcoming u : last.values()) {
            List<Entry> entries = u.block();
            int nowTaken = u.index() + 1;
            Entry head = entries.get(Math.min(nowTaken, entries.size() - 1));
            ps.setInt(1, nowTaken);
            ps.setLong(2, head.asset().inputSize());
            ps.setLong(3, head.seq());
            ps.setString(4, jobId);
            ps.setLong(5, u.blockNo());
            ps.executeUpdate();
        }
    }

    /**
     * Dissolves every block of the job holding an asset not yet taken whose id matches: its
     * planned events become event rows, its assets not taken pending rows, and the block row
     * goes. Returns how many blocks.
     */
    int dissolveWhere(String jobId, Predicate<String> id) throws SQLException {
        List<Block> matching = new ArrayList<>();
        for (Block block : blocks(jobId)) {
            if (block.notTaken().stream().anyMatch(e -> id.test(e.asset().id()))) {
                matching.add(block);
            }
        }
        for (Block block : matching) {
            dissolve(jobId, block);
        }
        return matching.size();
    }

    private void dissolve(String jobId, Block block) throws SQLException {
        PreparedStatement asset = prepared(INSERT_PENDING);
        PreparedStatement event = prepared(INSERT_PLANNED_EVENT);
        for (int i = 0; i < block.entries().size(); i++) {
            Entry e = block.entries().get(i);
            Asset a = e.asset();
            if (i >= block.taken()) {
                bindRow(asset, jobId, e);
                asset.setLong(9, block.plannedAt());
                asset.addBatch();
            }
            event.setLong(1, e.seq() + block.eventOffset());
            event.setString(2, jobId);
            event.setLong(3, block.plannedAt());
            event.setString(4, a.id());
            setNullable(event, 5, block.fingerprint());
            event.addBatch();
        }
        asset.executeBatch();
        event.executeBatch();
        PreparedStatement delete = prepared("DELETE FROM plan_block WHERE job_id = ? AND block_no = ?");
        delete.setString(1, jobId);
        delete.setLong(2, block.blockNo());
        delete.executeUpdate();
    }

    /** Every block of the job, decoded. */
    List<Block> blocks(String jobId) throws SQLException {
        return blocks(jobId, BLOCKS + " ORDER BY block_no", ps -> { });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Block> blocks(String jobId, String sql, Binder more) throws SQLException {
        List<Head> heads = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, jobId);
            more.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.add(head(rs));
                }
            }
        }
        List<Block> blocks = new ArrayList<>(heads.size());
        for (Head h : heads) {
            blocks.add(new Block(h.blockNo(), h.taken(), h.plannedAt(), h.fingerprint(), h.eventOffset(),
                    entries(jobId, h)));
        }
        return blocks;
    }

    /** Adds the assets of the blocks not taken yet to {@code known}, by id (those taken are rows). */
    void known(String jobId, Map<String, Asset> known) throws SQLException {
        for (Block block : blocks(jobId)) {
            for (Entry e : block.notTaken()) {
                known.put(e.asset().id(), e.asset());
            }
        }
    }

    /** The assets of the blocks not taken yet, as the pending records a plan of rows would show, with their seqs. */
    List<Map.Entry<Long, AssetRecord>> records(String jobId) throws SQLException {
        List<Map.Entry<Long, AssetRecord>> out = new ArrayList<>();
        for (Block block : blocks(jobId)) {
            Instant planned = Instant.ofEpochMilli(block.plannedAt());
            for (Entry e : block.notTaken()) {
                out.add(Map.entry(e.seq(), new AssetRecord(e.asset(), AssetState.PENDING, null, null, 0, 0, null,
                        null, false, 0, 0, null, planned)));
            }
        }
        return out;
    }

    /** The planned events held by the job's blocks (of every asset in them) whose seq is above {@code afterSeq}. */
    List<Event> plannedEvents(String jobId, long afterSeq) throws SQLException {
        List<Event> out = new ArrayList<>();
        for (Block block : blocks(jobId, BLOCKS + " AND max_seq + event_offset > ?", ps -> ps.setLong(2, afterSeq))) {
            Instant at = Instant.ofEpochMilli(block.plannedAt());
            for (Entry e : block.entries()) {
                long seq = e.seq() + block.eventOffset();
                if (seq > afterSeq) {
                    out.add(new Event(seq, at, e.asset().id(), "planned", null, 0, null, block.fingerprint()));
                }
            }
        }
        return out;
    }

    private static Head head(ResultSet rs) throws SQLException {
        return new Head(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getLong(5), rs.getString(6),
                rs.getLong(7), rs.getLong(8));
    }

    /**
     * A block's payload never changes while its row exists; a block number can come back after
     * its block was dissolved, but not with the same event offset, time of planning and size.
     */
    private static String cacheKey(String jobId, Head h) {
        return jobId + "\n" + h.blockNo() + "\n" + h.eventOffset() + "\n" + h.plannedAt() + "\n" + h.assets();
    }

    /** The block's assets, decoded once and cached (the key includes the event offset, unique to its plan). */
    private List<Entry> entries(String jobId, Head h) throws SQLException {
        String key = cacheKey(jobId, h);
        List<Entry> entries = decoded.get(key);
        if (entries == null) {
            PreparedStatement ps = prepared(PAYLOAD);
            ps.setString(1, jobId);
            ps.setLong(2, h.blockNo());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("Plan block " + h.blockNo() + " of job " + jobId + " vanished");
                }
                entries = PlanBlockCodec.decode(rs.getBytes(1));
            }
            if (entries.size() != h.assets()) {
                throw new IllegalStateException("Plan block " + h.blockNo() + " of job " + jobId + " holds "
                        + entries.size() + " assets, its row says " + h.assets());
            }
            decoded.put(key, entries);
        }
        return entries;
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        return statements.get(sql);
    }

    @Override
    public void close() throws SQLException {
        statements.close();
    }
}
