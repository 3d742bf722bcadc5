package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
/**
 * The behaviour every {@link CheckpointStore} must have, part 2: what happens after a claim
 * (complete, fail, release, recovery of dead workers, resets, feature issues) and the reading side
 * (counts, assets, events). Part 1 is {@link CheckpointStoreContract}.
 */
public abstract class CheckpointStoreOutcomeContract extends CheckpointStoreContractBase {

    // ---- failure, release, recovery -----------------------------------------------------

    @Test
    void failRecordsClassMessageTransientFlagAndAccumulatedTries() {
        CheckpointStore store = store();
        store.plan(List.of(asset("a", 1)));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.IO, "timeout", true, 3);
        store.resetFailed(null);

        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.CRS, "unknown EPSG:99999", false, 2);

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
        Claim claim = store.claim("w1", LEASE).orElseThrow();

        store.release(claim);

        AssetRecord record = record(store, "a");
        assertThat(record.state()).isEqualTo(AssetState.PENDING);
        assertThat(record.tries()).isZero();
        assertThat(record.worker()).isNull();
        assertThat(record.leaseUntil()).isNull();
        assertThat(store.claim("w2", LEASE).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void releaseClaimsOfPutsOnlyThatWorkersClaimsBackToPending() {
        CheckpointStore store = store();
        store.plan(assets(5));
        store.registerWorker(new WorkerInfo("dead", "host-a", 101, T0, T0));
        store.registerWorker(new WorkerInfo("alive", "host-a", 102, T0, T0));
        Claim lost = store.claim("dead", LEASE).orElseThrow();
        store.claim("dead", LEASE).orElseThrow();
        store.claim("alive", LEASE).orElseThrow();

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
        store.claim("busy", LEASE).orElseThrow();
        store.complete(store.claim("finished", LEASE).orElseThrow(), new Outcome(0, 0, null));

        assertThat(store.workersWithClaims()).containsExactly(busy);
        assertThat(second().workersWithClaims()).containsExactly(busy);
    }

    @Test
    void resetFailedOfOneClassLeavesTheOthersFailed() {
        CheckpointStore store = store();
        store.plan(assets(3));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.CRS, "crs", false, 1);
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "format", false, 1);
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, null));

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
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.CRS, "crs", false, 1);
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "x"));
        Claim running = store.claim("w1", LEASE).orElseThrow();

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
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(5, 1, "x", List.of(skipped, repaired)));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(5, 0, "y"));
        Claim third = store.claim("w1", LEASE).orElseThrow();

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
        store.complete(store.claim("w2", LEASE).orElseThrow(), new Outcome(5, 1, "x", List.of(skipped)));
        assertThat(store.featureIssues(100)).extracting(FeatureIssueRecord::issue).containsExactly(skipped);
    }

    @Test
    void everyKindOfFeatureIssueIsStoredAndListedWithItsActionAndClass() {
        CheckpointStore store = store();
        store.createJob(job());
        store.plan(assets(1));
        List<FeatureIssue> all = new ArrayList<>();
        for (FeatureIssue.Action action : FeatureIssue.Action.values()) {
            all.add(new FeatureIssue(action, action == FeatureIssue.Action.APPROXIMATED ? ErrorClass.CRS : ErrorClass.GEOMETRY,
                    "a.gpkg: layer 'roads': " + action));
        }
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(5, 0, "x", all));
        assertThat(store.featureIssues(100)).extracting(FeatureIssueRecord::issue).containsExactlyElementsOf(all);
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
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(7, 0, "crc32c:00000001"));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(8, 0, "crc32c:00000002"));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "bad", false, 1);
        Claim running = store.claim("w2", LEASE).orElseThrow();
        long eventsBefore = store.events(1000).size();

        int reset = store.resetAssets(List.of("a00000", "a00002", running.asset().id(), "a00004", "nope"),
                "output missing");

        assertThat(reset).isEqualTo(2);
        AssetRecord wasDone = record(store, "a00000");
        assertThat(wasDone.state()).isEqualTo(AssetState.PENDING);
        assertThat(wasDone.checksum()).isNull();
        assertThat(wasDone.items()).isZero();
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
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000001"));
        Claim running = store.claim("w2", LEASE).orElseThrow();
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
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000001"));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, "crc32c:00000002"));
        assertThat(store.claim("w1", LEASE)).isEmpty();

        store.resetAssets(List.of("a00001"), "checksum differs");

        Claim again = store.claim("w1", LEASE).orElseThrow();
        assertThat(again.asset().id()).isEqualTo("a00001");
        assertThat(again.attempt()).isEqualTo(2);
    }

    // ---- reading ------------------------------------------------------------------------

    @Test
    void countsHasEveryStateEvenWhenZero() {
        CheckpointStore store = store();
        assertThat(store.counts()).containsOnlyKeys(AssetState.values()).containsValues(0L);

        store.plan(assets(4));
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(1, 0, null));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.IO, "disk", true, 4);
        store.claim("w1", LEASE).orElseThrow();

        assertThat(store.counts()).isEqualTo(Map.of(AssetState.PENDING, 1L, AssetState.RUNNING, 1L,
                AssetState.DONE, 1L, AssetState.FAILED, 1L));
    }

    @Test
    void assetsFiltersByStateInPlanningOrder() {
        CheckpointStore store = store();
        store.plan(List.of(asset("x", 1), asset("y", 5), asset("z", 3)));
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "y", false, 1);
        store.fail(store.claim("w1", LEASE).orElseThrow(), ErrorClass.FORMAT, "z", false, 1);

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
        store.complete(store.claim("w1", LEASE).orElseThrow(), new Outcome(3, 0, null));
        Claim b = store.claim("w1", LEASE).orElseThrow();
        store.release(b);
        store.fail(store.claim("w2", LEASE).orElseThrow(), ErrorClass.GEOMETRY, "self-intersection", false, 1);
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
        Claim claim = store.claim("w1", LEASE).orElseThrow();
        CheckpointStore other = second();

        assertThat(other.counts()).containsEntry(AssetState.RUNNING, 1L);
        other.complete(claim, new Outcome(1, 0, null));
        assertThat(store.counts()).containsEntry(AssetState.DONE, 1L);
    }
}
