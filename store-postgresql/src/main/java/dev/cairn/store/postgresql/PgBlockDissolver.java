package dev.cairn.store.postgresql;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dissolves the next plan block of a job ahead of the claims of one {@link PostgresStore} handle,
 * on a thread and a connection of its own, so that its claims seldom wait for a block to become
 * rows. Without it every 4,096th claim of a handle dissolved a block in line (about 65 ms of
 * {@code COPY}), and the handle's workers and group commit, which share its connection, waited:
 * 1,000,000 no-op assets ran in 192 s against 172 s for a plan of rows.
 *
 * <p><b>When.</b> The handle remembers the head of the last block it dissolved (in line or here).
 * When a claim takes a row at or after that head in claim order, the rows of that block are being
 * claimed and only they stand before the next block: the handle kicks this dissolver, which
 * dissolves the first block not yet dissolved. So about one block of rows waits ahead of the
 * claims. Correctness never depends on it: a claim still takes no row after the first block's
 * head and dissolves that block itself when it comes short ({@link PgPlanBlocks}); two
 * dissolutions of one block are serialized by its row lock and the second does nothing.
 *
 * <p>A failure here is logged and forgotten: the claims dissolve in line instead.
 */
final class PgBlockDissolver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgBlockDissolver.class);

    private final PostgresLocation where;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-pg-dissolver");
        t.setDaemon(true);
        return t;
    });
    private PgSession session;
    private volatile PgPlanBlocks.Head lastDissolved;

    PgBlockDissolver(PostgresLocation where) {
        this.where = where;
    }

    /** Records that the handle dissolved the block with this head in line. */
    void dissolved(PgPlanBlocks.Head head) {
        lastDissolved = head;
    }

    /**
     * After a claim of the job whose last row in claim order is {@code last}: starts dissolving
     * the job's next block when that row is at or after the head of the last block dissolved, and
     * no dissolution is under way.
     */
    void claimed(String jobId, PgPlanBlocks.Head last) {
        PgPlanBlocks.Head head = lastDissolved;
        if (head == null || last == null || !atOrAfter(last, head) || !busy.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    if (session == null) {
                        session = new PgSession(where, false, PgSession.RETRY_FOR);
                    }
                    session.call("dissolve a plan block ahead of the claims", (c, replay) -> {
                        PgPlanBlocks.Head next = PgPlanBlocks.head(c, jobId);
                        if (next != PgPlanBlocks.Head.NONE) {
                            PgPlanBlocks.dissolveForClaim(c, jobId, next);
                            lastDissolved = next;
                        }
                        return null;
                    });
                } catch (RuntimeException e) { // StoreException after retries, or a block that cannot be decoded
                    log.warn("Could not dissolve a plan block ahead of the claims ({}); the claims will.", e.toString());
                } finally {
                    busy.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            busy.set(false);
        }
    }

    /** Whether {@code row} comes at or after {@code head} in claim order (larger input first, then seq). */
    private static boolean atOrAfter(PgPlanBlocks.Head row, PgPlanBlocks.Head head) {
        return row.size() < head.size() || (row.size() == head.size() && row.seq() >= head.seq());
    }

    /** Waits up to 10 s for a dissolution under way (it commits or rolls back whole), then closes the connection. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (session != null) {
            session.close();
        }
    }
}
