package dev.cairn.engine;

/**
 * The exclusive right to write one chunked output's staging file, held across every machine that
 * shares the checkpoint store ({@link CheckpointStore#lockStaging}, {@link ProcessContext#lockStaging}).
 *
 * <p>Why: the chunks of one output commit into one staging SQLite file, each chunk's rows and its
 * marker in one SQLite transaction ({@link StagedSqliteOutput}). On one machine SQLite's file
 * locks serialise those transactions. Across machines on a network file system they cannot be
 * relied on (NFS byte-range locks are lost, ignored with {@code nolock}, or not honoured by the
 * page cache), so a store shared by machines serialises the writers itself: a processor takes
 * this lock <em>before</em> it opens its connection to the staging file and releases it only
 * <em>after</em> it closed it (and published the output, if it finalised it). Opening after the
 * previous holder closed also gives the reader that holder's writes on NFS (close-to-open
 * consistency), which SQLite's change counter alone does not guarantee across machines.
 *
 * <p>The lock only orders writers; exactly-once still comes from the staging file (the chunk's rows
 * and marker in one transaction, the finaliser the chunk whose marker completes the plan) and from
 * the fenced {@link CheckpointStore#complete} after it, which need not be under the lock: a crash
 * between the two leaves the marker, and the redone chunk copies nothing.
 */
public interface StagingLock extends AutoCloseable {

    /** The lock of a store whose writers share one machine: the staging file's own SQLite locks suffice. */
    StagingLock NONE = () -> { };

    /** Releases the lock; never throws (a lock whose connection is gone is released already). */
    @Override
    void close();
}
