package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must have, whatever its storage. A store module
 * extends this class (it is published in the engine's test-jar) and supplies fresh stores.
 * Stores returned by {@link #newStore} and {@link #reopen} are closed by this class after each
 * test.
 */
public abstract class CheckpointStoreContract {

    protected static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    protected static final Duration LEASE = Duration.ofMinutes(5);

    private final List<CheckpointStore> opened = new ArrayList<>();

    /** A fresh, empty store on its own storage. */
    protected abstract CheckpointStore newStore();

    /**
     * A second, independent instance on the storage of the last {@link #newStore} (as a second
     * process would open it).
     */
    protected abstract CheckpointStore reopen();

    @AfterEach
    void closeStores() {
        for (CheckpointStore store : opened) {
            store.close();
        }
    }

    protected CheckpointStore store() {
        CheckpointStore store = newStore();
        opened.add(store);
        return store;
    }

    protected CheckpointStore second() {
        CheckpointStore store = reopen();
        opened.add(store);
        return store;
    }

    protected static Asset asset(String id, long size) {
        return new Asset(id, "/in/" + id, null, "/out/" + id, size, 1_000L);
    }

    protected static List<Asset> assets(int n) {
        return IntStream.range(0, n).mapToObj(i -> asset(String.format("a%05d", i), 100)).toList();
    }

    private static Set<AssetState> all() {
        return EnumSet.allOf(AssetState.class);
    }

    private static AssetRecord record(CheckpointStore store, String id) {
        return store.assets(all()).stream().filter(r -> r.asset().id().equals(id)).findFirst().orElseThrow();
    }

    private static JobRecord job() {
        return new JobSpec("convert", Map.of("target-crs", "EPSG:3857", "format", "gpkg")).toRecord(T0);
    }

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
        store.claim("w1", T0, LEASE).orElseThrow();

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
        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();
        store.complete(claim, new Outcome(10, 1, "abc"));

        assertThat(store.plan(List.of(asset("a", 1)))).isEqualTo(new PlanSummary(0, 1, 0));

        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.DONE);
        assertThat(record.features()).isEqualTo(10);
        assertThat(record.checksum()).isEqualTo("abc");
    }

    @Test
    void aFailedAssetStaysFailedWhenReplannedUnchanged() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", false, 1);

        store.plan(List.of(asset("a", 1)));

        assertThat(record(store, "a").state()).isEqualTo(AssetState.FAILED);
    }

    @Test
    void aChangedInputSizeMtimeOrOutputIsReplannedAsPendingWithCountersReset() {
        CheckpointStore store = store();
        store.plan(List.of(asset("size", 1), asset("mtime", 1), asset("output", 1), asset("same", 1)));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", true, 3);
        for (int i = 0; i < 3; i++) {
            store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(5, 0, "x"));
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
        assertThat(record(store, "output").features()).isZero();
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("replanned"))
                .extracting(Event::assetId).containsExactlyInAnyOrder("size", "mtime", "output");
    }

    @Test
    void replanningARunningAssetFencesOffItsClaim() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim old = store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(store.plan(List.of(asset("a", 2)))).isEqualTo(new PlanSummary(0, 0, 1));
        Claim fresh = store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(fresh.attempt()).isGreaterThan(old.attempt());
        assertThatThrownBy(() -> store.complete(old, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        store.complete(fresh, new Outcome(2, 0, null));
        assertThat(record(store, "a").features()).isEqualTo(2);
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

        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();

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
        assertThat(store.claim("w1", T0, LEASE)).isEmpty();

        store.plan(List.of(asset("a", 1)));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(0, 0, null));

        assertThat(store.claim("w1", T0, LEASE)).isEmpty();
    }

    @Test
    void claimsOfLargerInputsComeFirstThenPlanningOrder() {
        CheckpointStore store = store();
        store.plan(List.of(asset("small", 10), asset("big1", 300), asset("medium", 20), asset("big2", 300)));

        List<String> order = new ArrayList<>();
        Optional<Claim> claim;
        while ((claim = store.claim("w1", T0, LEASE)).isPresent()) {
            order.add(claim.get().asset().id());
        }

        assertThat(order).containsExactly("big1", "big2", "medium", "small");
    }

    @Test
    void aLiveLeaseIsNotClaimedAgain() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(store.claim("w2", T0.plus(LEASE).minusMillis(1), LEASE)).isEmpty();
        assertThat(store.claim("w2", T0.plus(LEASE), LEASE)).isEmpty();
    }

    @Test
    void anExpiredLeaseIsClaimableAgainWithTheNextAttempt() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.claim("w1", T0, LEASE).orElseThrow();

        Instant later = T0.plus(LEASE).plusSeconds(1);
        Claim takeover = store.claim("w2", later, LEASE).orElseThrow();

        assertThat(takeover.attempt()).isEqualTo(2);
        assertThat(takeover.workerId()).isEqualTo("w2");
        assertThat(takeover.leaseUntil()).isEqualTo(later.plus(LEASE));
        assertThat(record(store, "a").worker()).isEqualTo("w2");
    }

    @Test
    void aLateCompleteFromTheOldClaimThrowsLeaseLostAndChangesNothing() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim old = store.claim("w1", T0, LEASE).orElseThrow();
        Claim takeover = store.claim("w2", T0.plus(LEASE).plusSeconds(1), LEASE).orElseThrow();
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
        Claim first = store.claim("w1", T0, LEASE).orElseThrow();
        Claim second = store.claim("w1", T0.plus(LEASE).plusSeconds(1), LEASE).orElseThrow();

        assertThatThrownBy(() -> store.complete(first, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        store.complete(second, new Outcome(1, 0, null));
    }

    @Test
    void completingTwiceThrowsLeaseLost() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();
        store.complete(claim, new Outcome(1, 0, null));

        assertThatThrownBy(() -> store.complete(claim, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void heartbeatExtendsALeaseSoItIsNotReclaimed() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1), asset("b", 1)));
        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();
        store.claim("w2", T0, LEASE).orElseThrow();

        store.heartbeat("w1", T0.plus(Duration.ofMinutes(4)), LEASE);

        Instant afterFirstLease = T0.plus(LEASE).plusSeconds(1);
        Claim reclaimed = store.claim("w3", afterFirstLease, LEASE).orElseThrow();
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
                    while ((claim = store.claim(worker, T0, LEASE)).isPresent()) {
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

    // ---- failure, release, recovery -----------------------------------------------------

    @Test
    void failRecordsClassMessageTransientFlagAndAccumulatedTries() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.IO, "timeout", true, 3);
        store.resetFailed(null);

        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.CRS, "unknown EPSG:99999", false, 2);

        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.FAILED);
        assertThat(record.errorClass()).isEqualTo(ErrorClass.CRS);
        assertThat(record.message()).isEqualTo("unknown EPSG:99999");
        assertThat(record.transientFailure()).isFalse();
        assertThat(record.tries()).isEqualTo(5);
        assertThat(record.attempt()).isEqualTo(2);
        assertThat(record.leaseUntil()).isNull();
    }

    @Test
    void releaseReturnsTheAssetToPendingWithoutAddingTries() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();

        store.release(claim);

        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.PENDING);
        assertThat(record.tries()).isZero();
        assertThat(record.worker()).isNull();
        assertThat(record.leaseUntil()).isNull();
        assertThat(store.claim("w2", T0, LEASE).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void releaseClaimsOfPutsOnlyThatWorkersClaimsBackToPending() {
        CheckpointStore store = store();
        store.plan(assets(5));
        store.registerWorker(new WorkerInfo("dead", "host-a", 101, T0, T0));
        store.registerWorker(new WorkerInfo("alive", "host-a", 102, T0, T0));
        Claim lost = store.claim("dead", T0, LEASE).orElseThrow();
        store.claim("dead", T0, LEASE).orElseThrow();
        store.claim("alive", T0, LEASE).orElseThrow();

        int released = store.releaseClaimsOf("dead", "pid 101 is gone");

        assertThat(released).isEqualTo(2);
        assertThat(store.counts()).containsEntry(AssetState.RUNNING, 1L).containsEntry(AssetState.PENDING, 4L);
        assertThat(store.workersWithClaims()).extracting(WorkerInfo::id).containsExactly("alive");
        assertThatThrownBy(() -> store.complete(lost, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("recovered"))
                .hasSize(2).allSatisfy(e -> assertThat(e.worker()).isEqualTo("dead"));
        assertThat(store.releaseClaimsOf("nobody", "no claims")).isZero();
    }

    @Test
    void workersWithClaimsListsRegisteredWorkersHoldingRunningAssets() {
        CheckpointStore store = store();
        store.plan(assets(3));
        WorkerInfo busy = new WorkerInfo("busy", "host-a", 7, T0.minusSeconds(60), T0);
        store.registerWorker(busy);
        store.registerWorker(new WorkerInfo("idle", "host-b", 8, T0, T0));
        store.registerWorker(new WorkerInfo("finished", "host-b", 9, T0, T0));
        store.claim("busy", T0, LEASE).orElseThrow();
        store.complete(store.claim("finished", T0, LEASE).orElseThrow(), new Outcome(0, 0, null));

        assertThat(store.workersWithClaims()).containsExactly(busy);
        assertThat(second().workersWithClaims()).containsExactly(busy);
    }

    @Test
    void resetFailedOfOneClassLeavesTheOthersFailed() {
        CheckpointStore store = store();
        store.plan(assets(3));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.CRS, "crs", false, 1);
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "format", false, 1);
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, null));

        assertThat(store.resetFailed(ErrorClass.CRS)).isEqualTo(1);

        AssetRecord reset = record(store, "a00000");
        assertThat(reset.state()).isEqualTo(AssetState.PENDING);
        assertThat(reset.errorClass()).isNull();
        assertThat(reset.message()).isNull();
        assertThat(store.counts()).containsEntry(AssetState.FAILED, 1L).containsEntry(AssetState.DONE, 1L);
        assertThat(store.resetFailed(null)).isEqualTo(1);
        assertThat(store.counts()).containsEntry(AssetState.FAILED, 0L).containsEntry(AssetState.PENDING, 2L);
    }

    @Test
    void resetAllPutsEveryAssetBackToPending() {
        CheckpointStore store = store();
        store.plan(assets(4));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.CRS, "crs", false, 1);
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        Claim running = store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(store.resetAll()).isEqualTo(3);

        assertThat(store.counts()).containsEntry(AssetState.PENDING, 4L);
        assertThat(store.assets(all())).allSatisfy(r -> {
            assertThat(r.worker()).isNull();
            assertThat(r.leaseUntil()).isNull();
            assertThat(r.errorClass()).isNull();
            assertThat(r.checksum()).isNull();
        });
        assertThatThrownBy(() -> store.complete(running, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("reset")).hasSize(3);
    }

    @Test
    void featureIssuesListThoseOfTheCompleteThatMadeEachAssetDone() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(3));
        FeatureIssue skipped = new FeatureIssue(FeatureIssue.Action.SKIPPED, ErrorClass.GEOMETRY,
                "a.gpkg: layer 'roads', fid 7: invalid geometry (Self-intersection at (1 2))");
        FeatureIssue repaired = new FeatureIssue(FeatureIssue.Action.REPAIRED, ErrorClass.GEOMETRY,
                "a.gpkg: layer 'roads', fid 9: repaired (Ring Self-intersection at (3 4))");
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(5, 1, "x", List.of(skipped, repaired)));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(5, 0, "y"));
        Claim third = store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(store.featureIssues(100)).extracting(FeatureIssueRecord::assetId, FeatureIssueRecord::issue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a00000", skipped),
                        org.assertj.core.groups.Tuple.tuple("a00000", repaired));
        assertThat(store.featureIssues(1)).hasSize(1);
        assertThat(store.featureIssues(0)).isEmpty();
        assertThat(second().featureIssues(100)).hasSize(2);

        // done again after a reset: only the new complete's issues count
        store.complete(third, new Outcome(1, 0, null));
        assertThat(store.resetAssets(List.of("a00000"), "output missing")).isEqualTo(1);
        assertThat(store.featureIssues(100)).isEmpty();
        store.complete(store.claim("w2", T0, LEASE).orElseThrow(), new Outcome(5, 1, "x", List.of(skipped)));
        assertThat(store.featureIssues(100)).extracting(FeatureIssueRecord::issue).containsExactly(skipped);
    }

    @Test
    void outcomeKeepsAtMostMaxIssuesButTheExactCount() {
        List<FeatureIssue> many = new ArrayList<>();
        for (int i = 0; i < Outcome.MAX_ISSUES + 5; i++) {
            many.add(new FeatureIssue(FeatureIssue.Action.SKIPPED, ErrorClass.GEOMETRY, "fid " + i));
        }
        Outcome o = new Outcome(0, many.size(), null, many);
        assertThat(o.issues()).hasSize(Outcome.MAX_ISSUES);
        assertThat(o.skipped()).isEqualTo(Outcome.MAX_ISSUES + 5);
    }

    @Test
    void resetAssetsPutsOnlyTheListedDoneOrFailedAssetsBackToPendingWithOneEventEach() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(5));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(7, 0, "crc32c:00000001"));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(8, 0, "crc32c:00000002"));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", false, 1);
        Claim running = store.claim("w2", T0, LEASE).orElseThrow();
        long eventsBefore = store.events(1000).size();

        int reset = store.resetAssets(List.of("a00000", "a00002", running.asset().id(), "a00004", "nope"),
                "output missing");

        assertThat(reset).isEqualTo(2);
        AssetRecord wasDone = record(store, "a00000");
        assertThat(wasDone.state()).isEqualTo(AssetState.PENDING);
        assertThat(wasDone.checksum()).isNull();
        assertThat(wasDone.features()).isZero();
        assertThat(record(store, "a00001").state()).isEqualTo(AssetState.DONE);
        assertThat(record(store, "a00001").checksum()).isEqualTo("crc32c:00000002");
        assertThat(record(store, "a00002").state()).isEqualTo(AssetState.PENDING);
        assertThat(record(store, "a00002").errorClass()).isNull();
        assertThat(record(second(), running.asset().id()).state()).isEqualTo(AssetState.RUNNING);
        List<Event> events = store.events(1000);
        assertThat(events).hasSize((int) eventsBefore + 2);
        assertThat(events.subList(events.size() - 2, events.size()))
                .extracting(Event::assetId, Event::kind, Event::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a00000", "reset", "output missing"),
                        org.assertj.core.groups.Tuple.tuple("a00002", "reset", "output missing"));
        store.complete(running, new Outcome(1, 0, null));
        assertThat(store.resetAssets(List.of(), "nothing")).isZero();
    }

    @Test
    void removeUnplannedForgetsAssetsAbsentFromThePlanButNotRunningOnes() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(4));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000001"));
        Claim running = store.claim("w2", T0, LEASE).orElseThrow();
        List<String> planned = List.of(record(store, "a00003").asset().id());

        int removed = store.removeUnplanned(planned);

        // a00000 (done) and the one pending asset not planned go; the running claim stays.
        assertThat(removed).isEqualTo(2);
        assertThat(store.assets(all())).extracting(r -> r.asset().id())
                .containsExactlyInAnyOrder("a00003", running.asset().id());
        assertThat(store.events(100)).filteredOn(e -> e.kind().equals("removed")).hasSize(2);
        assertThat(store.removeUnplanned(List.of("a00003", running.asset().id()))).isZero();
    }

    @Test
    void resetAssetsMakesTheAssetsClaimableAgain() {
        CheckpointStore store = store();
        store.plan(assets(2));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000001"));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000002"));
        assertThat(store.claim("w1", T0, LEASE)).isEmpty();

        store.resetAssets(List.of("a00001"), "checksum differs");

        Claim again = store.claim("w1", T0, LEASE).orElseThrow();
        assertThat(again.asset().id()).isEqualTo("a00001");
        assertThat(again.attempt()).isEqualTo(2);
    }

    // ---- reading ------------------------------------------------------------------------

    @Test
    void countsHasEveryStateEvenWhenZero() {
        CheckpointStore store = store();
        assertThat(store.counts()).containsOnlyKeys(AssetState.values()).containsValues(0L);

        store.plan(assets(4));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(1, 0, null));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.IO, "disk", true, 4);
        store.claim("w1", T0, LEASE).orElseThrow();

        assertThat(store.counts()).isEqualTo(Map.of(AssetState.PENDING, 1L, AssetState.RUNNING, 1L,
                AssetState.DONE, 1L, AssetState.FAILED, 1L));
    }

    @Test
    void assetsFiltersByStateInPlanningOrder() {
        CheckpointStore store = store();
        store.plan(List.of(asset("x", 1), asset("y", 5), asset("z", 3)));
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "y", false, 1);
        store.fail(store.claim("w1", T0, LEASE).orElseThrow(), ErrorClass.FORMAT, "z", false, 1);

        assertThat(store.assets(EnumSet.of(AssetState.FAILED))).extracting(r -> r.asset().id())
                .containsExactly("y", "z");
        assertThat(store.assets(EnumSet.of(AssetState.PENDING, AssetState.FAILED))).extracting(r -> r.asset().id())
                .containsExactly("x", "y", "z");
        assertThat(store.assets(EnumSet.noneOf(AssetState.class))).isEmpty();
    }

    @Test
    void everyTransitionWritesAnEventWithTheJobFingerprint() {
        CheckpointStore store = store();
        JobRecord job = job();
        store.createJob(job);
        store.plan(List.of(asset("a", 2), asset("b", 1)));
        store.complete(store.claim("w1", T0, LEASE).orElseThrow(), new Outcome(3, 0, null));
        Claim b = store.claim("w1", T0, LEASE).orElseThrow();
        store.release(b);
        store.fail(store.claim("w2", T0, LEASE).orElseThrow(), ErrorClass.GEOMETRY, "self-intersection", false, 1);
        store.resetFailed(null);
        store.plan(List.of(asset("a", 9)));

        List<Event> events = store.events(100);

        assertThat(events).extracting(Event::assetId, Event::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "planned"),
                org.assertj.core.groups.Tuple.tuple("b", "planned"),
                org.assertj.core.groups.Tuple.tuple("a", "claimed"),
                org.assertj.core.groups.Tuple.tuple("a", "done"),
                org.assertj.core.groups.Tuple.tuple("b", "claimed"),
                org.assertj.core.groups.Tuple.tuple("b", "released"),
                org.assertj.core.groups.Tuple.tuple("b", "claimed"),
                org.assertj.core.groups.Tuple.tuple("b", "failed"),
                org.assertj.core.groups.Tuple.tuple("b", "reset"),
                org.assertj.core.groups.Tuple.tuple("a", "replanned"));
        assertThat(events).extracting(Event::fingerprint).containsOnly(job.fingerprint());
        assertThat(events).extracting(Event::seq).isSorted().doesNotHaveDuplicates();
        Event failed = events.get(7);
        assertThat(failed.worker()).isEqualTo("w2");
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.detail()).contains("self-intersection");
        assertThat(events.get(2).at()).isEqualTo(T0);
    }

    @Test
    void eventsWithoutAJobHaveNoFingerprint() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));

        assertThat(store.events(10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("planned");
            assertThat(e.fingerprint()).isNull();
        });
    }

    @Test
    void eventsReturnsTheNewestOldestFirst() {
        CheckpointStore store = store();
        store.plan(assets(5));

        List<Event> events = store.events(2);

        assertThat(events).extracting(Event::assetId).containsExactly("a00003", "a00004");
        assertThat(store.events(0)).isEmpty();
    }

    @Test
    void aSecondInstanceSeesCommittedTransitions() {
        CheckpointStore store = store();
        store.plan(assets(2));
        Claim claim = store.claim("w1", T0, LEASE).orElseThrow();
        CheckpointStore other = second();

        assertThat(other.counts()).containsEntry(AssetState.RUNNING, 1L);
        other.complete(claim, new Outcome(1, 0, null));
        assertThat(store.counts()).containsEntry(AssetState.DONE, 1L);
    }
}
