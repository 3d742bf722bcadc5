package dev.cairn.engine.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.StopRequestedException;

/**
 * Read → transform on the {@link TransformPool} → write, in input order, with a bounded number of
 * batches in flight ({@link TransformPool#inFlight()}): the calling thread reads a batch and hands
 * it to the pool, and writes the oldest batch once its transform is done. Memory is at most that
 * many batches; the reader and the writer (one output, one connection) stay on the calling
 * thread, the pool keeps the other cores busy.
 *
 * <p>A transform must not throw for bad data: it records the failure in the batch, which the
 * writer raises at its place in the input order. An unchecked exception of a transform reaches
 * the caller unchanged (the runner records it as an internal error), a checked one as an
 * internal {@link AssetFailure}. On any exception the batches still in flight are cancelled.
 */
public final class OrderedPipeline {
    private OrderedPipeline() {
    }

    /** Reads the next batch, or returns null at the end of the input. */
    @FunctionalInterface
    public interface Reader<B> {
        B read() throws AssetFailure;
    }

    /** Writes one transformed batch. */
    @FunctionalInterface
    public interface Writer<B> {
        void write(B batch) throws AssetFailure;
    }

    /** Runs the pipeline to the end of the input; {@code what} names it in an internal error. */
    public static <B> void run(Reader<B> reader, UnaryOperator<B> transform, Writer<B> writer, String what)
            throws AssetFailure {
        int maxInFlight = TransformPool.inFlight();
        Deque<Future<B>> inFlight = new ArrayDeque<>();
        boolean more = true;
        try {
            while (true) {
                while (more && inFlight.size() < maxInFlight) {
                    B batch = reader.read();
                    if (batch == null) {
                        more = false;
                    } else {
                        inFlight.add(TransformPool.submit(() -> transform.apply(batch)));
                    }
                }
                Future<B> head = inFlight.poll();
                if (head == null) {
                    return;
                }
                writer.write(await(head, what));
            }
        } finally {
            for (Future<B> f : inFlight) {
                f.cancel(false);
            }
        }
    }

    private static <B> B await(Future<B> f, String what) throws AssetFailure {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopRequestedException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw AssetFailure.permanent(ErrorClass.INTERNAL, what + ": geometry transform failed (" + cause + ")", cause);
        }
    }
}
