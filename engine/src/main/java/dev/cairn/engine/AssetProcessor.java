package dev.cairn.engine;

/**
 * The work done for one asset: the seed of every job, built in or written by a user of the
 * engine as a library.
 *
 * <p>Contract: {@link #process} is called from several worker threads at once (different assets).
 * It must be idempotent: after a crash the same asset may be processed again, so it must
 * overwrite, not append, and publish its output atomically (see {@link AtomicFiles}). It should
 * call {@link ProcessContext#checkStop()} regularly (every few thousand features) so a graceful
 * stop can roll the asset back quickly.
 */
@FunctionalInterface
public interface AssetProcessor {

    /**
     * Processes one asset and returns what was produced. Throw {@link AssetFailure} for expected
     * failures (bad input, CRS); any other exception is retried if it is an
     * {@link java.io.IOException}, and dead-lettered as {@link ErrorClass#INTERNAL} otherwise.
     */
    Outcome process(Asset asset, ProcessContext context) throws Exception;
}
