package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
/**
 * The behaviour every {@link CheckpointStore} must have, part 3: several jobs in one store. Each
 * handle is bound to one job and sees only that job's assets, claims, events, feature issues and
 * resets; {@link CheckpointStore#jobs()} lists them all. Parts 1 and 2 are
 * {@link CheckpointStoreContract} and {@link CheckpointStoreOutcomeContract}.
 *
 * <p>Most tests build the same store: job A ({@link #job()}) created on the first handle, then
 * job B ({@link #otherJob()}) created on a second handle opened for B's id, which the store does
 * not hold yet (so the handle starts unbound). Both jobs plan an asset with the same id.
 */
public abstract class CheckpointStoreJobsContract extends CheckpointStoreContractBase {

    private CheckpointStore a;
    private CheckpointStore b;

    /** Jobs A and B in one store: A plans shared, a1, a2; B plans shared, b1. */
    private void twoJobs() {
        a = store();
        a.createJob(job());
        b = second(otherJob().id());
        assertThat(b.job()).as("opened for a job the store does not hold yet").isEmpty();
        b.createJob(otherJob());
        a.plan(List.of(asset("shared", 10), asset("a1", 5), asset("a2", 1)));
        b.plan(List.of(asset("shared", 10), asset("b1", 20)));
    }

    private static List<String> ids(CheckpointStore store) {
        return store.assets(all()).stream().map(r -> r.asset().id()).toList();
    }

    // ---- binding ------------------------------------------------------------------------

    @Test
    void jobsListsEveryJobInTheStoreOldestFirst() {
        assertThat(store().jobs()).isEmpty();
        twoJobs();

        assertThat(a.jobs()).containsExactly(job(), otherJob());
        assertThat(b.jobs()).containsExactly(job(), otherJob());
    }

    @Test
    void eachHandleIsBoundToTheJobItCreated() {
        twoJobs();

        assertThat(a.job()).contains(job());
        assertThat(b.job()).contains(otherJob());
    }

    @Test
    void openingWithAJobIdBindsToThatJob() {
        twoJobs();

        CheckpointStore reopenedA = second(job().id());

        assertThat(reopenedA.job()).contains(job());
        assertThat(ids(reopenedA)).containsExactly("shared", "a1", "a2");
    }

    @Test
    void openingWithoutAJobIdBindsToTheMostRecentlyCreatedJob() {
        twoJobs();

        CheckpointStore latest = second();

        assertThat(latest.job()).contains(otherJob());
        assertThat(ids(latest)).containsExactly("shared", "b1");
    }

    @Test
    void creatingAJobTheStoreAlreadyHoldsFailsAndBindsNothing() {
        twoJobs();
        CheckpointStore unbound = second("not-a-job-yet");
        assertThat(unbound.job()).isEmpty();

        assertThatThrownBy(() -> unbound.createJob(job())).isInstanceOf(StoreException.class)
                .hasMessageContaining(job().id());
        assertThat(unbound.job()).isEmpty();
        assertThat(unbound.jobs()).hasSize(2);
    }

    @Test
    void creatingAJobOnAHandleBoundToAnotherFailsAndKeepsTheBinding() {
        twoJobs();
        JobRecord third = new JobSpec("tile", Map.of("zoom", "0-14")).toRecord(T0);

        assertThatThrownBy(() -> a.createJob(third)).isInstanceOf(StoreException.class)
                .hasMessageContaining(job().id());
        assertThat(a.job()).contains(job());
        assertThat(a.jobs()).containsExactly(job(), otherJob());
    }

    // ---- assets and claims --------------------------------------------------------------

    @Test
    void eachHandleSeesOnlyItsJobsAssetsAndCounts() {
        twoJobs();

        assertThat(ids(a)).containsExactly("shared", "a1", "a2");
        assertThat(ids(b)).containsExactly("shared", "b1");
        assertThat(a.counts()).containsEntry(AssetState.PENDING, 3L);
        assertThat(b.counts()).containsEntry(AssetState.PENDING, 2L);
    }

    @Test
    void theSameAssetIdInTwoJobsNamesTwoAssets() {
        twoJobs();
        Claim claim = a.claim("w1", LEASE).orElseThrow();
        assertThat(claim.asset().id()).isEqualTo("shared");

        a.complete(claim, new Outcome(3, 0, "crc32c:0000000a"));

        assertThat(record(a, "shared").state()).isEqualTo(AssetState.DONE);
        assertThat(record(b, "shared").state()).isEqualTo(AssetState.PENDING);
        assertThat(record(b, "shared").attempt()).isZero();
        assertThat(b.plan(List.of(asset("shared", 10), asset("b1", 20)))).isEqualTo(new PlanSummary(0, 2, 0));
    }

    @Test
    void aClaimNeverReturnsAnotherJobsAsset() {
        twoJobs();

        assertThat(b.claim("w1", LEASE).orElseThrow().asset().id()).isEqualTo("b1");
        assertThat(b.claim("w1", LEASE).orElseThrow().asset().id()).isEqualTo("shared");
        assertThat(b.claim("w1", LEASE)).as("job A still has pending assets, job B has none").isEmpty();

        assertThat(a.counts()).containsEntry(AssetState.PENDING, 3L).containsEntry(AssetState.RUNNING, 0L);
        assertThat(b.counts()).containsEntry(AssetState.RUNNING, 2L);
    }

    @Test
    void aClaimOfOneJobIsLeaseLostOnAHandleOfAnother() {
        twoJobs();
        Claim claimA = a.claim("w1", LEASE).orElseThrow();
        b.claim("w1", LEASE).orElseThrow();

        assertThatThrownBy(() -> b.complete(claimA, new Outcome(1, 0, null))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> b.fail(claimA, ErrorClass.IO, "x", true, 1)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> b.release(claimA)).isInstanceOf(LeaseLostException.class);

        assertThat(record(a, claimA.asset().id()).state()).isEqualTo(AssetState.RUNNING);
        a.complete(claimA, new Outcome(1, 0, null));
        assertThat(record(a, claimA.asset().id()).state()).isEqualTo(AssetState.DONE);
    }

    @Test
    void aLeaseExpiredByTheStoreClockIsClaimableAgainOnlyInItsJob() {
        twoJobs();
        Claim lost = a.claim("w1", LEASE).orElseThrow();
        b.claim("w2", LEASE).orElseThrow();
        b.claim("w2", LEASE).orElseThrow();

        clock.advance(LEASE.plusSeconds(1));

        Claim takeover = b.claim("w3", LEASE).orElseThrow();
        assertThat(takeover.asset().id()).as("B's expired claims come back to B").isIn("b1", "shared");
        assertThat(takeover.leaseUntil()).isEqualTo(T0.plus(LEASE).plusSeconds(1).plus(LEASE));
        Claim again = a.claim("w3", LEASE).orElseThrow();
        assertThat(again.asset().id()).isEqualTo(lost.asset().id());
        assertThat(again.attempt()).isEqualTo(2);
    }

    @Test
    void heartbeatExtendsOnlyTheBoundJobsLeases() {
        twoJobs();
        a.claim("w1", LEASE).orElseThrow();
        b.claim("w1", LEASE).orElseThrow();

        clock.advance(Duration.ofMinutes(4));
        a.heartbeat("w1", LEASE);
        clock.advance(Duration.ofMinutes(2));

        assertThat(a.claim("w2", LEASE).orElseThrow().attempt()).as("a fresh pending asset of A").isEqualTo(1);
        assertThat(b.claim("w2", LEASE).orElseThrow().attempt()).as("B's lease expired").isEqualTo(2);
    }

    @Test
    void workersWithClaimsAndReleaseClaimsOfSeeOnlyTheBoundJobsClaims() {
        twoJobs();
        WorkerInfo inA = new WorkerInfo("in-a", "host", 1, T0, T0);
        WorkerInfo inB = new WorkerInfo("in-b", "host", 2, T0, T0);
        a.registerWorker(inA);
        a.registerWorker(inB);
        a.claim("in-a", LEASE).orElseThrow();
        b.claim("in-b", LEASE).orElseThrow();

        assertThat(a.workersWithClaims()).containsExactly(inA);
        assertThat(b.workersWithClaims()).as("workers are store-wide").containsExactly(inB);
        assertThat(a.releaseClaimsOf("in-b", "elsewhere")).isZero();
        assertThat(b.releaseClaimsOf("in-b", "gone")).isEqualTo(1);
        assertThat(b.counts()).containsEntry(AssetState.RUNNING, 0L);
        assertThat(a.counts()).containsEntry(AssetState.RUNNING, 1L);
    }

    // ---- events, feature issues, resets, clear --------------------------------------------

    @Test
    void eventsAreThoseOfTheBoundJobWithItsFingerprint() {
        twoJobs();
        a.complete(a.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, null));

        assertThat(a.events(100)).extracting(Event::assetId, Event::kind).containsExactly(
                tuple("shared", "planned"), tuple("a1", "planned"), tuple("a2", "planned"),
                tuple("shared", "claimed"), tuple("shared", "done"));
        assertThat(a.events(100)).extracting(Event::fingerprint).containsOnly(job().fingerprint());
        assertThat(b.events(100)).extracting(Event::assetId, Event::kind).containsExactly(
                tuple("shared", "planned"), tuple("b1", "planned"));
        assertThat(b.events(100)).extracting(Event::fingerprint).containsOnly(otherJob().fingerprint());
        assertThat(b.events(1)).extracting(Event::assetId).containsExactly("b1");
    }

    @Test
    void featureIssuesAreThoseOfTheBoundJob() {
        twoJobs();
        FeatureIssue skipped = new FeatureIssue(FeatureIssue.Action.SKIPPED, ErrorClass.GEOMETRY,
                "shared.gpkg: layer 'roads', fid 7: invalid geometry");
        a.complete(a.claim("w1", LEASE).orElseThrow(), new Outcome(5, 1, "x", List.of(skipped)));
        Claim inB = b.claim("w1", LEASE).orElseThrow();
        b.complete(inB, new Outcome(5, 0, "y"));

        assertThat(a.featureIssues(100)).extracting(FeatureIssueRecord::assetId, FeatureIssueRecord::issue)
                .containsExactly(tuple("shared", skipped));
        assertThat(b.featureIssues(100)).isEmpty();
    }

    @Test
    void resetsTouchOnlyTheBoundJob() {
        twoJobs();
        for (CheckpointStore store : List.of(a, b)) {
            store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", false, 1);
            store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        }
        // A: shared failed, a1 done, a2 pending. B: b1 failed, shared done.

        assertThat(b.resetFailed(null)).isEqualTo(1);
        assertThat(a.counts()).containsEntry(AssetState.FAILED, 1L);
        assertThat(b.resetAssets(List.of("shared", "a1"), "output missing")).isEqualTo(1);
        assertThat(record(a, "shared").state()).isEqualTo(AssetState.FAILED);
        assertThat(record(a, "a1").state()).isEqualTo(AssetState.DONE);
        assertThat(b.resetAll()).isZero();
        assertThat(a.counts()).isEqualTo(Map.of(AssetState.PENDING, 1L, AssetState.RUNNING, 0L,
                AssetState.DONE, 1L, AssetState.FAILED, 1L));
        assertThat(a.resetAll()).isEqualTo(2);
        assertThat(b.assets(EnumSet.of(AssetState.PENDING))).hasSize(2);
        assertThat(b.events(100)).filteredOn(e -> e.kind().equals("reset")).hasSize(2);
        assertThat(a.events(100)).filteredOn(e -> e.kind().equals("reset")).hasSize(2);
    }

    @Test
    void removeUnplannedForgetsOnlyTheBoundJobsAssets() {
        twoJobs();

        assertThat(b.removeUnplanned(List.of("b1"))).isEqualTo(1);

        assertThat(ids(b)).containsExactly("b1");
        assertThat(ids(a)).containsExactly("shared", "a1", "a2");
        assertThat(a.events(100)).noneMatch(e -> e.kind().equals("removed"));
    }

    @Test
    void clearForgetsOnlyTheBoundJobAndLeavesTheHandleUnbound() {
        twoJobs();
        a.registerWorker(new WorkerInfo("w1", "host", 1, T0, T0));
        b.claim("w1", LEASE).orElseThrow();
        a.claim("w1", LEASE).orElseThrow();

        a.clear();

        assertThat(a.job()).isEmpty();
        assertThat(a.assets(all())).isEmpty();
        assertThat(a.events(100)).isEmpty();
        assertThat(a.jobs()).containsExactly(otherJob());
        assertThat(b.job()).contains(otherJob());
        assertThat(ids(b)).containsExactly("shared", "b1");
        assertThat(b.events(100)).hasSize(3);
        assertThat(b.workersWithClaims()).extracting(WorkerInfo::id).containsExactly("w1");
        assertThat(second().job()).as("the most recent job left").contains(otherJob());

        a.createJob(job());
        assertThat(a.jobs()).containsExactly(otherJob(), job());
        assertThat(a.plan(List.of(asset("shared", 10)))).isEqualTo(new PlanSummary(1, 0, 0));
    }

    @Test
    void createJobMakesTheJobLessAssetsAndEventsTheJobs() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(2, 0, "x"));

        store.createJob(job());

        assertThat(record(store, "a").state()).isEqualTo(AssetState.DONE);
        assertThat(store.events(100)).extracting(Event::kind).containsExactly("planned", "claimed", "done");
        assertThat(second(job().id()).counts()).containsEntry(AssetState.DONE, 1L);
        store.plan(List.of(asset("b", 1)));
        assertThat(store.events(1)).extracting(Event::fingerprint).containsExactly(job().fingerprint());
    }
}
