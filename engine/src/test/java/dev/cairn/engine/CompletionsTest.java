package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Completions committed behind the worker threads: bounded, each reported on its own, none left behind. */
class CompletionsTest {

    /** Records what the committer reports. */
    private static final class Recorder implements Completions.Results<String> {
        final List<String> done = Collections.synchronizedList(new ArrayList<>());
        final List<String> lost = Collections.synchronizedList(new ArrayList<>());
        final List<String> failed = Collections.synchronizedList(new ArrayList<>());
        int batchesEnded;

        @Override
        public void done(Completions.Entry<String> entry) {
            done.add(entry.report());
        }

        @Override
        public void lost(Completions.Entry<String> entry, RuntimeException e) {
            lost.add(entry.report());
        }

        @Override
        public void failed(List<Completions.Entry<String>> batch, RuntimeException e) {
            batch.forEach(b -> failed.add(b.report()));
        }

        @Override
        public synchronized void batchEnded() {
            batchesEnded++;
        }
    }

    @Test
    void submitReturnsBeforeTheCommitAndCloseWaitsUntilEveryCompletionIsReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        Recorder recorder = new Recorder();
        Completions<String> completions = new Completions<>(batch -> {
            await(release);
            batchSizes.add(batch.size());
            return Collections.nCopies(batch.size(), null);
        }, recorder, "test-committer");

        for (int i = 0; i < 10; i++) {
            completions.submit(entry("a" + i)); // returns although no commit can finish yet
        }
        assertThat(recorder.done).isEmpty();

        Thread closer = new Thread(completions::close);
        closer.start();
        awaitState(closer, Thread.State.WAITING);
        assertThat(closer.isAlive()).isTrue();
        release.countDown();
        closer.join();

        assertThat(recorder.done).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(batchSizes.size()).isLessThanOrEqualTo(2); // the first alone, the rest gathered behind it
        assertThatThrownBy(() -> completions.submit(entry("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThreadWaitsOnceTheMostCompletionsWaitBehindTheBatchBeingCommitted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatchTaken = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        Completions<String> completions = new Completions<>(batch -> {
            firstBatchTaken.countDown();
            await(release);
            return Collections.nCopies(batch.size(), null);
        }, recorder, "test-committer");
        completions.submit(entry("first"));
        firstBatchTaken.await();
        for (int i = 0; i < Completions.MAX_WAITING; i++) {
            completions.submit(entry("w" + i));
        }
        AtomicBoolean submitted = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            completions.submit(entry("one too many"));
            submitted.set(true);
        });
        worker.start();

        awaitState(worker, Thread.State.WAITING);
        assertThat(submitted).isFalse();
        release.countDown();
        worker.join();
        completions.close();

        assertThat(submitted).isTrue();
        assertThat(recorder.done).hasSize(Completions.MAX_WAITING + 2);
    }

    @Test
    void aThreadAfterASlowAssetReturnsOnlyOnceItsCompletionCommittedStillInABatchWithTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatchTaken = new CountDownLatch(1);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        Recorder recorder = new Recorder();
        Completions<String> completions = new Completions<>(batch -> {
            firstBatchTaken.countDown();
            await(release);
            batchSizes.add(batch.size());
            return Collections.nCopies(batch.size(), null);
        }, recorder, "test-committer");
        completions.submit(entry("tiny"));
        firstBatchTaken.await();
        completions.submit(entry("tiny behind"));
        AtomicBoolean returned = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            completions.submitAndAwait(entry("slow"));
            returned.set(true);
        });
        worker.start();

        awaitState(worker, Thread.State.TIMED_WAITING);
        assertThat(returned).as("returned before its commit").isFalse();
        release.countDown();
        worker.join();

        assertThat(returned).isTrue();
        assertThat(recorder.done).contains("slow"); // reported before submitAndAwait returned
        assertThat(batchSizes).containsExactly(1, 2); // "slow" committed together with "tiny behind"
        completions.close();
    }

    @Test
    void aLostLeaseIsReportedForItsOwnCompletionAndAFailedBatchForEachOfItsCompletions() {
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        Completions<String> completions = new Completions<>(batch -> {
            await(release);
            if (batch.stream().anyMatch(c -> c.claim().asset().id().equals("doomed"))) {
                throw new StoreException("connection lost", null, false);
            }
            List<RuntimeException> results = new ArrayList<>();
            for (Completion c : batch) {
                String id = c.claim().asset().id();
                results.add(id.equals("stale") ? new LeaseLostException(id, "w1", 1) : null);
            }
            return results;
        }, recorder, "test-committer");
        completions.submit(entry("alone")); // the first batch, alone; the others gather behind it
        completions.submit(entry("ok"));
        completions.submit(entry("stale"));
        release.countDown();
        awaitDone(recorder, 3);
        completions.submit(entry("doomed"));
        completions.submit(entry("with-doomed"));
        completions.close();

        assertThat(recorder.done).contains("alone", "ok").doesNotContain("stale", "doomed");
        assertThat(recorder.lost).containsExactly("stale");
        assertThat(recorder.failed).contains("doomed"); // with "with-doomed" when both were in its batch
        assertThat(recorder.done.size() + recorder.lost.size() + recorder.failed.size()).isEqualTo(5);
    }

    private static Completions.Entry<String> entry(String id) {
        Claim claim = new Claim(new Asset(id, "/in/" + id, null, "/out/" + id, 1, 1), "w1", 1,
                Instant.parse("2024-05-01T12:05:00Z"));
        return new Completions.Entry<>(new Completion(claim, new Outcome(1, 0, null)), id);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (without a deadline: the test's own timeout applies) until {@code t} blocks. */
    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        while (t.getState() != state) {
            Thread.sleep(1);
        }
    }

    private static void awaitDone(Recorder recorder, int reports) {
        while (recorder.done.size() + recorder.lost.size() < reports) {
            Thread.onSpinWait();
        }
    }
}
