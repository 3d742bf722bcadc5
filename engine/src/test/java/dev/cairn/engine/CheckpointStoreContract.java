package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
/**
 * The behaviour every {@link CheckpointStore} must have, whatever its storage, part 1: the job,
 * the plan and claims (leases, fencing, contention). Part 2 is {@link CheckpointStoreOutcomeContract}.
 * A store module extends both (they are published in the engine's test-jar) and supplies fresh
 * stores; stores returned by {@link #newStore} and {@link #reopen} are closed after each test.
 */
public abstract class CheckpointStoreContract extends CheckpointStoreContractBase {

    // ---- job ----------------------------------------------------------------------------

    @Test
    void aNewStoreHasNoJob() {
        assertThat(store().job()).isEmpty();
    }

    @Test
    void aCreatedJobLoadsBackWithItsSpec() {
        CheckpointStore store = store();
        JobRecord job = job();
        store.createJob(job);

        assertThat(store.job()).contains(job);
        assertThat(second().job()).contains(job);
    }

    @Test
    void creatingASecondJobFails() {
        CheckpointStore store = store();
        store.createJob(job());

        assertThatThrownBy(() -> store.createJob(new JobSpec("tile", Map.of()).toRecord(T0)))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.job().orElseThrow().kind()).isEqualTo("convert");
    }

    @Test
    void clearForgetsJobAssetsWorkersAndEvents() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(3));
        store.registerWorker(new WorkerInfo("w1", "host", 42, T0, T0));
        store.claim("w1", LEASE).orElseThrow();

        store.clear();

        assertThat(store.job()).isEmpty();
        assertThat(store.assets(all())).isEmpty();
        assertThat(store.workersWithClaims()).isEmpty();
        assertThat(store.events(100)).isEmpty();
        assertThat(store.counts()).containsEntry(AssetState.PENDING, 0L);
        store.createJob(job());
        assertThat(store.plan(assets(3))).isEqualTo(new PlanSummary(3, 0, 0));
    }

    // ---- plan ---------------------------------------------------------------------------

    @Test
    void planAddsNewAssetsAsPendingInPlanningOrder() {
        CheckpointStore store = store();
        Asset part = new Asset("big.gpkg#roads[0,1000)", "/in/big.gpkg", "roads[0,1000)", "/out/big.gpkg", 5, 7);

        PlanSummary summary = store.plan(List.of(asset("c", 1), asset("a", 3), part));

        assertThat(summary).isEqualTo(new PlanSummary(3, 0, 0));
        List<AssetRecord> records = store.assets(all());
        assertThat(records).extracting(r -> r.asset().id()).containsExactly("c", "a", "big.gpkg#roads[0,1000)");
        assertThat(records).extracting(AssetRecord::state).containsOnly(AssetState.PENDING);
        assertThat(records.get(2).asset()).isEqualTo(part);
        assertThat(records.get(0).attempt()).isZero();
        assertThat(records.get(0).tries()).isZero();
        assertThat(records.get(0).worker()).isNull();
        assertThat(records.get(0).errorClass()).isNull();
    }

    @Test
    void planKeepsKnownUnchangedAssetsAndAppendsNewOnes() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1), asset("b", 2)));

        PlanSummary summary = store.plan(List.of(asset("c", 3), asset("b", 2), asset("a", 1)));

        assertThat(summary).isEqualTo(new PlanSummary(1, 2, 0));
        assertThat(store.assets(all())).extracting(r -> r.asset().id()).containsExactly("a", "b", "c");
    }

    @Test
    void planLeavesStoredAssetsThatAreNoLongerPlanned() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1), asset("b", 2)));

        assertThat(store.plan(List.of(asset("a", 1)))).isEqualTo(new PlanSummary(0, 1, 0));
        assertThat(store.assets(all())).hasSize(2);
    }

    @Test
    void aDoneAssetStaysDoneWhenReplannedUnchanged() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim claim = store.claim("w1", LEASE).orElseThrow();
        store.complete(claim, new Outcome(10, 1, "abc"));

        assertThat(store.plan(List.of(asset("a", 1)))).isEqualTo(new PlanSummary(0, 1, 0));

        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.DONE);
        assertThat(record.items()).isEqualTo(10);
        assertThat(record.checksum()).isEqualTo("abc");
    }

    @Test
    void aFailedAssetStaysFailedWhenReplannedUnchanged() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", false, 1);

        store.plan(List.of(asset("a", 1)));

        assertThat(record(store, "a").state()).isEqualTo(AssetState.FAILED);
    }

    @Test
    void aChangedInputSizeMtimeOrOutputIsReplannedAsPendingWithCountersReset() {
        CheckpointStore store = store();
        store.plan(List.of(asset("size", 1), asset("mtime", 1), asset("output", 1), asset("same", 1)));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", true, 3);
        for (int i = 0; i < 3; i++) {
            store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(5, 0, "x"));
        }

        PlanSummary summary = store.plan(List.of(
                asset("size", 2),
                new Asset("mtime", "/in/mtime", null, "/out/mtime", 1, 2_000L),
                new Asset("output", "/in/output", null, "/elsewhere/output", 1, 1_000L),
                asset("same", 1)));

        assertThat(summary).isEqualTo(new PlanSummary(0, 1, 3));
        assertThat(store.counts()).containsEntry(AssetState.PENDING, 3L).containsEntry(AssetState.DONE, 1L);
        AssetRecord size = record(store, "size");
        assertThat(size.asset().inputSize()).isEqualTo(2);
        assertThat(size.state()).isEqualTo(AssetState.PENDING);
        assertThat(size.attempt()).isZero();
        assertThat(size.tries()).isZero();
        assertThat(size.errorClass()).isNull();
        assertThat(size.message()).isNull();
        assertThat(size.transientFailure()).isFalse();
        assertThat(record(store, "output").asset().output()).isEqualTo("/elsewhere/output");
        assertThat(record(store, "output").items()).isZero();
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("replanned"))
                .extracting(Event::assetId).containsExactlyInAnyOrder("size", "mtime", "output");
    }

    @Test
    void replanningARunningAssetFencesOffItsClaim() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim old = store.claim("w1", LEASE).orElseThrow();

        assertThat(store.plan(List.of(asset("a", 2)))).isEqualTo(new PlanSummary(0, 0, 1));
        Claim fresh = store.claim("w1", LEASE).orElseThrow();

        assertThat(fresh.attempt()).isGreaterThan(old.attempt());
        assertThatThrownBy(() -> store.complete(old, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        store.complete(fresh, new Outcome(2, 0, null));
        assertThat(record(store, "a").items()).isEqualTo(2);
    }

    @Test
    void plannedAssetIdsMustBeUnique() {
        CheckpointStore store = store();

        assertThatThrownBy(() -> store.plan(List.of(asset("a", 1), asset("a", 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a");
        assertThat(store.assets(all())).isEmpty();
    }

    @Test
    void planOfOneHundredThousandAssetsAddsThenRecognisesEveryOne() {
        CheckpointStore store = store();
        List<Asset> many = IntStream.range(0, 100_000)
                .mapToObj(i -> new Asset("tile/" + i, "/in/big.tif", "z14/" + i, "/out/" + i, i % 977, 1)).toList();

        // Speed is a benchmark's business, not a test's: batched in one transaction both plans
        // take ~1.5 s on an idle 2-core machine.
        assertThat(store.plan(many)).isEqualTo(new PlanSummary(100_000, 0, 0));
        assertThat(store.plan(many)).isEqualTo(new PlanSummary(0, 100_000, 0));

        assertThat(store.counts()).containsEntry(AssetState.PENDING, 100_000L);
    }

    // ---- claims -------------------------------------------------------------------------

    @Test
    void claimMakesTheAssetRunningForTheWorkerUntilTheLeaseEnds() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));

        Claim claim = store.claim("w1", LEASE).orElseThrow();

        assertThat(claim.asset()).isEqualTo(asset("a", 1));
        assertThat(claim.workerId()).isEqualTo("w1");
        assertThat(claim.attempt()).isEqualTo(1);
        assertThat(claim.leaseUntil()).isEqualTo(T0.plus(LEASE));
        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.RUNNING);
        assertThat(record.worker()).isEqualTo("w1");
        assertThat(record.leaseUntil()).isEqualTo(T0.plus(LEASE));
        assertThat(record.attempt()).isEqualTo(1);
    }

    @Test
    void claimOnAnEmptyOrFinishedStoreReturnsNothing() {
        CheckpointStore store = store();
        assertThat(store.claim("w1", LEASE)).isEmpty();

        store.plan(List.of(asset("a", 1)));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(0, 0, null));

        assertThat(store.claim("w1", LEASE)).isEmpty();
    }

    @Test
    void claimsOfLargerInputsComeFirstThenPlanningOrder() {
        CheckpointStore store = store();
        store.plan(List.of(asset("small", 10), asset("big1", 300), asset("medium", 20), asset("big2", 300)));

        List<String> order = new ArrayList<>();
        Optional<Claim> claim;
        while ((claim = store.claim("w1", LEASE)).isPresent()) {
            order.add(claim.get().asset().id());
        }

        assertThat(order).containsExactly("big1", "big2", "medium", "small");
    }

    @Test
    void aLiveLeaseIsNotClaimedAgain() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.claim("w1", LEASE).orElseThrow();

        clock.set(T0.plus(LEASE).minusMillis(1));
        assertThat(store.claim("w2", LEASE)).isEmpty();
        clock.set(T0.plus(LEASE));
        assertThat(store.claim("w2", LEASE)).isEmpty();
    }

    @Test
    void anExpiredLeaseIsClaimableAgainWithTheNextAttempt() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.claim("w1", LEASE).orElseThrow();

        Instant later = T0.plus(LEASE).plusSeconds(1);
        clock.set(later);
        Claim takeover = store.claim("w2", LEASE).orElseThrow();

        assertThat(takeover.attempt()).isEqualTo(2);
        assertThat(takeover.workerId()).isEqualTo("w2");
        assertThat(takeover.leaseUntil()).isEqualTo(later.plus(LEASE));
        assertThat(record(store, "a").worker()).isEqualTo("w2");
    }

    @Test
    void aLateCompleteFromTheOldClaimThrowsLeaseLostAndChangesNothing() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim old = store.claim("w1", LEASE).orElseThrow();
        clock.set(T0.plus(LEASE).plusSeconds(1));
        Claim takeover = store.claim("w2", LEASE).orElseThrow();
        AssetRecord before = record(store, "a");
        int eventsBefore = store.events(1000).size();

        assertThatThrownBy(() -> store.complete(old, new Outcome(1, 0, "late"))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.fail(old, ErrorClass.IO, "late", true, 1)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.release(old)).isInstanceOf(LeaseLostException.class);

        assertThat(record(store, "a")).isEqualTo(before);
        assertThat(store.events(1000)).hasSize(eventsBefore);
        store.complete(takeover, new Outcome(2, 0, "ok"));
        assertThat(record(store, "a").checksum()).isEqualTo("ok");
    }

    @Test
    void theSameWorkerCannotCompleteAnOlderAttempt() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim first = store.claim("w1", LEASE).orElseThrow();
        clock.set(T0.plus(LEASE).plusSeconds(1));
        Claim second = store.claim("w1", LEASE).orElseThrow();

        assertThatThrownBy(() -> store.complete(first, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        store.complete(second, new Outcome(1, 0, null));
    }

    @Test
    void completingTwiceThrowsLeaseLost() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim claim = store.claim("w1", LEASE).orElseThrow();
        store.complete(claim, new Outcome(1, 0, null));

        assertThatThrownBy(() -> store.complete(claim, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void heartbeatExtendsALeaseSoItIsNotReclaimed() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1), asset("b", 1)));
        Claim claim = store.claim("w1", LEASE).orElseThrow();
        store.claim("w2", LEASE).orElseThrow();

        clock.set(T0.plus(Duration.ofMinutes(4)));
        store.heartbeat("w1", LEASE);

        Instant afterFirstLease = T0.plus(LEASE).plusSeconds(1);
        clock.set(afterFirstLease);
        Claim reclaimed = store.claim("w3", LEASE).orElseThrow();
        assertThat(reclaimed.asset().id()).as("only w2's lease expired").isEqualTo("b");
        assertThat(record(store, claim.asset().id()).leaseUntil()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
        store.complete(claim, new Outcome(1, 0, null));
    }

    @Test
    void claimGivesEachAssetToExactlyOneWorkerUnderContention() throws Exception {
        CheckpointStore first = store();
        CheckpointStore second = second();
        first.plan(assets(500));
        Map<String, Integer> claims = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                CheckpointStore store = t % 2 == 0 ? first : second;
                String worker = "w" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    Optional<Claim> claim;
                    while ((claim = store.claim(worker, LEASE)).isPresent()) {
                        if (claims.merge(claim.get().asset().id(), 1, Integer::sum) > 1) {
                            duplicates.incrementAndGet();
                        }
                        store.complete(claim.get(), new Outcome(1, 0, null));
                        mine++;
                    }
                    return mine;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(500);
        } finally {
            pool.shutdownNow();
        }

        assertThat(duplicates).hasValue(0);
        assertThat(claims).hasSize(500).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(first.counts()).containsEntry(AssetState.DONE, 500L);
        assertThat(second.assets(all())).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
    }
}
