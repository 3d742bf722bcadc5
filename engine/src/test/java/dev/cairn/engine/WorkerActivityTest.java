package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The figures {@code cairn status} derives from one worker's row: its state and its recent rate. */
class WorkerActivityTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static WorkerActivity worker(Instant registered, Instant lease, Instant stopped, long recent,
            Instant firstEvent) {
        return new WorkerActivity("w1", "host", 1, registered, null, lease, stopped, 0, recent, 0, recent, firstEvent,
                firstEvent, NOW);
    }

    @Test
    void aCleanStopIsShownAsStoppedEvenWhileAClaimItStillHoldsIsLeased() {
        WorkerActivity w = worker(null, NOW.plusSeconds(30), NOW.minusSeconds(1), 0, NOW.minusSeconds(5));

        assertThat(w.leaseExpired()).isFalse();
        assertThat(w.state()).isEqualTo(WorkerActivity.State.STOPPED);
        assertThat(w.state().key()).isEqualTo("stopped");
    }

    @Test
    void withoutAStopAPastLeaseIsExpiredAndAComingOneLive() {
        assertThat(worker(null, NOW, null, 0, null).state()).isEqualTo(WorkerActivity.State.EXPIRED);
        assertThat(worker(null, null, null, 0, null).state()).isEqualTo(WorkerActivity.State.EXPIRED);
        assertThat(worker(null, NOW.plusMillis(1), null, 0, null).state()).isEqualTo(WorkerActivity.State.LIVE);
    }

    @Test
    void aWorkerWithoutEventsIsActiveSinceItsRegistration() {
        WorkerActivity w = worker(NOW.minusSeconds(12), NOW.plusSeconds(30), null, 0, null);

        assertThat(w.recentWindow()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void aWorkerOlderThanTheWindowIsMeasuredOverTheWholeWindow() {
        WorkerActivity w = worker(NOW.minusSeconds(3600), NOW.plusSeconds(30), null, 30, NOW.minusSeconds(3000));

        assertThat(w.recentWindow()).isEqualTo(WorkerActivity.RECENT);
        assertThat(w.recentAssetsPerSecond()).isEqualTo(0.5);
    }

    @Test
    void aWorkerOfNoKnownStartIsMeasuredOverTheWholeWindow() {
        assertThat(worker(null, null, null, 6, null).recentAssetsPerSecond()).isEqualTo(0.1);
    }

    @Test
    void aWorkerLessThanASecondOldIsMeasuredOverOneSecondNotAFractionOfOne() {
        WorkerActivity w = worker(null, NOW.plusSeconds(30), null, 3, NOW.minusMillis(100));

        assertThat(w.recentWindow()).isEqualTo(Duration.ofMillis(100));
        assertThat(w.recentAssetsPerSecond()).isEqualTo(3.0);
    }
}
