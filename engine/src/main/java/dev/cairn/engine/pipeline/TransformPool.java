package dev.cairn.engine.pipeline;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide pool that decodes, checks and reprojects batches of features while the thread
 * that owns an output reads and writes. One pool for every asset in flight, one thread per core,
 * so a run never has more transform threads than cores whatever {@code --workers} is.
 *
 * <p>With one big layer the asset's thread spends its time in SQLite (read, insert) and the pool
 * keeps the other cores on geometry; with many small files the runner's workers already fill the
 * cores and the pool just takes turns with them.
 */
public final class TransformPool {
    private static final ExecutorService POOL = create(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private TransformPool() {
    }

    /** Runs {@code task} on the pool. */
    public static <T> Future<T> submit(Callable<T> task) {
        return POOL.submit(task);
    }

    /** Batches in flight per copying thread: enough to keep every pool thread fed, few enough to bound memory. */
    public static int inFlight() {
        return 2 * Math.max(1, Runtime.getRuntime().availableProcessors()) + 1;
    }

    private static ExecutorService create(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cairn-transform-" + n.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM alive: the copying threads own the work
            return t;
        });
    }
}
