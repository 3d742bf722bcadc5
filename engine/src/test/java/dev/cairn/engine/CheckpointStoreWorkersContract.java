package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must have, part 4: {@link CheckpointStore#workerActivity},
 * what {@code cairn status} shows of each worker of a job: its registration, claims held now,
 * assets done and failed and its recent completions, its last heartbeat, whether it stopped
 * cleanly ({@link CheckpointStore#workerStopped}) or its lease has run out, all by the store's clock. A store module extends it (published in the engine's
 * test-jar) as it extends the other three parts.
 */
public abstract class CheckpointStoreWorkersContract extends CheckpointStoreContractBase {

    @Test
    void everyWorkerThatWorkedOnTheJobIsListedWithItsClaimsAndOutcomes() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(4));
        store.registerWorker(new WorkerInfo("w1", "host-a", 41, T0, T0));
        store.registerWorker(new WorkerInfo("w2", "host-b", 42, T0, T0));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(5, 0, "x"));
        store.claim("w1", LEASE).orElseThrow();
        store.fail(store.claim("w2", LEASE).orElseThrow(), ErrorClass.FORMAT, "broken", false, 1);

        List<WorkerActivity> workers = store.workerActivity();

        assertThat(workers).extracting(WorkerActivity::workerId).containsExactly("w1", "w2");
        WorkerActivity w1 = workers.get(0);
        assertThat(w1.host()).isEqualTo("host-a");
        assertThat(w1.pid()).isEqualTo(41);
        assertThat(w1.registeredAt()).isEqualTo(T0);
        assertThat(w1.claims()).isEqualTo(1);
        assertThat(w1.done()).isEqualTo(1);
        assertThat(w1.failed()).isZero();
        assertThat(w1.doneRecently()).isEqualTo(1);
        assertThat(w1.leaseUntil()).isEqualTo(T0.plus(LEASE));
        assertThat(w1.leaseExpired()).isFalse();
        assertThat(w1.now()).isEqualTo(T0);
        WorkerActivity w2 = workers.get(1);
        assertThat(w2.claims()).isZero();
        assertThat(w2.done()).isZero();
        assertThat(w2.failed()).isEqualTo(1);
        assertThat(w2.lastEvent()).isEqualTo(T0);
    }

    @Test
    void anotherHandleSeesTheWorkersOfItsJob() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(2));
        store.registerWorker(new WorkerInfo("w1", "host-a", 41, T0, T0));
        store.claim("w1", LEASE).orElseThrow();

        List<WorkerActivity> seen = second().workerActivity();

        assertThat(seen).extracting(WorkerActivity::workerId, WorkerActivity::claims).containsExactly(
                tuple("w1", 1));
    }

    @Test
    void aHeartbeatIsRecordedByTheStoreClockAndKeepsAWorkerWithoutClaimsAlive() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(1));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        clock.advance(Duration.ofSeconds(10));
        store.heartbeat("w1", LEASE);
        clock.advance(Duration.ofSeconds(5));

        WorkerActivity w1 = store.workerActivity().get(0);

        assertThat(w1.claims()).isZero();
        assertThat(w1.lastHeartbeat()).isEqualTo(T0.plusSeconds(10));
        assertThat(w1.sinceHeartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(w1.leaseUntil()).isEqualTo(T0.plusSeconds(10).plus(LEASE));
        assertThat(w1.leaseExpired()).isFalse();
    }

    @Test
    void aWorkerThatStoppedBeatingShowsItsLeaseExpiredWhileItsClaimIsStillRunning() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(2));
        store.claim("w1", LEASE).orElseThrow();
        store.heartbeat("w1", LEASE);
        store.claim("w2", LEASE.multipliedBy(3)).orElseThrow();
        clock.advance(LEASE.plusSeconds(1));

        List<WorkerActivity> workers = store.workerActivity();

        WorkerActivity dead = workers.get(0);
        assertThat(dead.workerId()).isEqualTo("w1");
        assertThat(dead.claims()).isEqualTo(1);
        assertThat(dead.leaseExpired()).isTrue();
        assertThat(dead.sinceHeartbeat()).isEqualTo(LEASE.plusSeconds(1));
        assertThat(workers.get(1).leaseExpired()).isFalse();
    }

    @Test
    void onlyCompletionsOfTheLastMinuteCountAsRecent() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(3));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        clock.advance(WorkerActivity.RECENT.plusSeconds(30));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));

        WorkerActivity w1 = store.workerActivity().get(0);

        assertThat(w1.done()).isEqualTo(3);
        assertThat(w1.doneRecently()).isEqualTo(2);
        assertThat(w1.recentAssetsPerSecond()).isEqualTo(2.0 / 60);
    }

    @Test
    void aWorkerThatStoppedCleanlyIsShownStoppedAtItsStopWhileAKilledOneShowsItsLeaseExpired() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(3));
        store.complete(store.claim("stopped", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.complete(store.claim("killed", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.complete(store.claim("live", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.heartbeat("killed", LEASE);
        clock.advance(Duration.ofSeconds(10));
        store.heartbeat("stopped", LEASE);
        store.workerStopped("stopped");
        clock.advance(LEASE.minusSeconds(5));
        store.heartbeat("live", LEASE);
        clock.advance(Duration.ofSeconds(10));

        List<WorkerActivity> workers = store.workerActivity();

        assertThat(workers).extracting(WorkerActivity::workerId, WorkerActivity::state).containsExactly(
                tuple("killed", WorkerActivity.State.EXPIRED),
                tuple("live", WorkerActivity.State.LIVE),
                tuple("stopped", WorkerActivity.State.STOPPED));
        WorkerActivity stopped = workers.get(2);
        assertThat(stopped.stoppedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(stopped.lastHeartbeat()).isEqualTo(T0.plusSeconds(10));
        assertThat(stopped.leaseExpired()).isTrue();
        assertThat(stopped.done()).isEqualTo(1);
        assertThat(workers.get(0).stoppedAt()).isNull();
        assertThat(workers.get(0).leaseExpired()).isTrue();
        assertThat(workers.get(1).stoppedAt()).isNull();
    }

    @Test
    void aWorkerIsShownStoppedTheMomentItStopsNotWhenItsLeaseWouldHaveRunOut() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(1));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.heartbeat("w1", LEASE);
        WorkerActivity before = store.workerActivity().get(0);

        store.workerStopped("w1");

        WorkerActivity after = store.workerActivity().get(0);
        assertThat(before.state()).isEqualTo(WorkerActivity.State.LIVE);
        assertThat(after.state()).isEqualTo(WorkerActivity.State.STOPPED);
        assertThat(after.stoppedAt()).isEqualTo(T0);
    }

    @Test
    void aStopLeavesTheLeaseOfAClaimTheWorkerStillHoldsAsItWas() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(1));
        Claim held = store.claim("w1", LEASE).orElseThrow();
        clock.advance(Duration.ofSeconds(30));

        store.workerStopped("w1");

        WorkerActivity w1 = store.workerActivity().get(0);
        assertThat(w1.state()).isEqualTo(WorkerActivity.State.STOPPED);
        assertThat(w1.claims()).isEqualTo(1);
        assertThat(record(store, held.asset().id()).leaseUntil()).isEqualTo(T0.plus(LEASE));
        assertThat(store.claim("w2", LEASE)).isEmpty();
    }

    @Test
    void theRecentRateOfAWorkerThatWorkedTenSecondsOfTheLastMinuteIsOverThoseTenSeconds() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(6));
        store.complete(store.claim("early", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.workerStopped("early");
        clock.advance(Duration.ofSeconds(45));
        for (int i = 0; i < 5; i++) {
            store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
            clock.advance(Duration.ofSeconds(2));
        }
        store.workerStopped("w1");
        clock.advance(Duration.ofSeconds(5));

        List<WorkerActivity> workers = store.workerActivity();

        WorkerActivity early = workers.get(0);
        WorkerActivity w1 = workers.get(1);
        assertThat(w1.doneRecently()).isEqualTo(5);
        assertThat(w1.firstEvent()).isEqualTo(T0.plusSeconds(45));
        assertThat(w1.recentWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(w1.recentAssetsPerSecond()).isEqualTo(0.5);
        assertThat(early.doneRecently()).isZero();
        assertThat(early.recentWindow()).isEqualTo(Duration.ZERO);
        assertThat(early.recentAssetsPerSecond()).isZero();
    }

    @Test
    void theRecentRateOfAWorkerStillRunningIsOverItsTimeSinceItsFirstClaim() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(3));
        clock.advance(Duration.ofSeconds(100));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        clock.advance(Duration.ofSeconds(20));

        WorkerActivity w1 = store.workerActivity().get(0);

        assertThat(w1.recentWindow()).isEqualTo(Duration.ofSeconds(20));
        assertThat(w1.recentAssetsPerSecond()).isEqualTo(3 / 20.0);
    }

    @Test
    void theWorkersOfAnotherJobAreNotListed() {
        CheckpointStore first = store();
        first.createJob(job());
        first.plan(assets(1));
        first.claim("w1", LEASE).orElseThrow();
        first.heartbeat("w1", LEASE);
        CheckpointStore other = second("no-such-job");
        other.createJob(otherJob());
        other.plan(assets(1));
        other.claim("w2", LEASE).orElseThrow();

        assertThat(first.workerActivity()).extracting(WorkerActivity::workerId).containsExactly("w1");
        assertThat(other.workerActivity()).extracting(WorkerActivity::workerId).containsExactly("w2");
    }

    @Test
    void clearingTheJobForgetsItsWorkers() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(1));
        store.claim("w1", LEASE).orElseThrow();
        store.heartbeat("w1", LEASE);

        store.clear();
        store.createJob(job());

        assertThat(store.workerActivity()).isEmpty();
    }
}
