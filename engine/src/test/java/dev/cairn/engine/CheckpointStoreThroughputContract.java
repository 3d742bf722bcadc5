package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must have, part 5: what the ways a store makes
 * checkpoints cheap must not change. Completions made by many threads of one handle at once
 * (which a store may commit together) each commit or fail on their own fence; claims a store
 * fetches in advance are leased for their worker, come back when the handle closes, when their
 * lease expires or when the worker's claims are recovered; planning many assets (which a store
 * may stream in bulk) keeps the states of known ids and every character of ids and paths.
 */
public abstract class CheckpointStoreThroughputContract extends CheckpointStoreContractBase {

    // ---- completions from many threads --------------------------------------------------

    @Test
    void completionsFromManyThreadsAllCommitAndEachIsFenced() throws Exception {
        CheckpointStore store = store();
        store.plan(assets(400));
        List<Claim> claims = claimAll(store, "w1");
        assertThat(claims).hasSize(400);
        // w2 takes over some of w1's claims after their lease expired: w1's completions of those must fail.
        clock.set(T0.plus(LEASE).plusSeconds(1));
        CheckpointStore other = second();
        Set<String> takenOver = new HashSet<>();
        for (int i = 0; i < 150; i++) {
            takenOver.add(other.claim("w2", LEASE).orElseThrow().asset().id());
        }
        store.heartbeat("w1", LEASE); // the rest of w1's claims live on

        Map<String, String> results = completeConcurrently(store, claims, 8);

        Set<String> lost = results.entrySet().stream().filter(e -> e.getValue().equals("lost"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Set<String> done = results.entrySet().stream().filter(e -> e.getValue().equals("done"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(results).hasSize(400);
        assertThat(lost).containsAll(takenOver);
        assertThat(done).hasSize(400 - lost.size());
        Map<String, AssetRecord> records = new HashMap<>();
        store.assets(all()).forEach(r -> records.put(r.asset().id(), r));
        assertThat(done).allSatisfy(id -> {
            assertThat(records.get(id).state()).isEqualTo(AssetState.DONE);
            assertThat(records.get(id).worker()).isEqualTo("w1");
            assertThat(records.get(id).items()).isEqualTo(7);
            assertThat(records.get(id).checksum()).isEqualTo("sum-" + id);
        });
        assertThat(lost).allSatisfy(id -> {
            assertThat(records.get(id).state()).isNotEqualTo(AssetState.DONE);
            assertThat(records.get(id).attempt()).isEqualTo(2);
        });
        List<Event> doneEvents = store.events(100_000).stream().filter(e -> e.kind().equals("done")).toList();
        assertThat(doneEvents).extracting(Event::assetId).containsExactlyInAnyOrderElementsOf(done);
        assertThat(doneEvents).allSatisfy(e -> assertThat(e.worker()).isEqualTo("w1"));
    }

    @Test
    void aLateCompleteInAGroupFailsOnlyItsOwnCaller() throws Exception {
        CheckpointStore store = store();
        CheckpointStore other = second();
        for (int round = 0; round < 20; round++) {
            String stale = "stale" + round;
            String live = "live" + round;
            store.plan(List.of(asset(stale, 2)));
            Claim old = store.claim("w1", LEASE).orElseThrow();
            assertThat(old.asset().id()).isEqualTo(stale);
            clock.advance(LEASE.plusSeconds(1));
            Claim takeover = other.claim("w2", LEASE).orElseThrow();
            assertThat(takeover.asset().id()).isEqualTo(stale);
            store.plan(List.of(asset(stale, 2), asset(live, 1)));
            Claim fresh = store.claim("w1", LEASE).orElseThrow();
            assertThat(fresh.asset().id()).isEqualTo(live);
            AssetRecord staleBefore = record(store, stale);
            long staleEvents = store.events(100_000).stream().filter(e -> stale.equals(e.assetId())).count();

            Map<String, String> results = completeConcurrently(store, List.of(old, fresh), 2);

            assertThat(results).containsEntry(stale, "lost").containsEntry(live, "done");
            assertThat(record(store, stale)).isEqualTo(staleBefore);
            assertThat(store.events(100_000).stream().filter(e -> stale.equals(e.assetId())).count())
                    .isEqualTo(staleEvents);
            assertThat(record(store, live).state()).isEqualTo(AssetState.DONE);
            other.complete(takeover, new Outcome(1, 0, null));
        }
        assertThat(store.counts()).containsEntry(AssetState.DONE, 40L);
    }

    // ---- completions in one call ---------------------------------------------------------

    @Test
    void completeAllCommitsEachCompletionAndReportsALostLeaseOnlyForItsOwnAsset() {
        CheckpointStore store = store();
        store.plan(assets(40)); // a store may commit a large batch differently from a small one
        List<Claim> claims = claimAll(store, "w1");
        assertThat(claims).hasSize(40);
        clock.set(T0.plus(LEASE).plusSeconds(1));
        CheckpointStore other = second();
        Claim takenOver = other.claim("w2", LEASE).orElseThrow();
        store.heartbeat("w1", LEASE);
        AssetRecord takenOverBefore = record(store, takenOver.asset().id());
        long eventsBefore = store.events(100_000).size();

        List<Completion> completions = claims.stream()
                .map(c -> new Completion(c, new Outcome(7, 1, "sum-" + c.asset().id()))).toList();
        List<RuntimeException> results = store.completeAll(completions);

        assertThat(results).hasSize(40);
        for (int i = 0; i < claims.size(); i++) {
            String id = claims.get(i).asset().id();
            if (id.equals(takenOver.asset().id())) {
                assertThat(results.get(i)).isInstanceOf(LeaseLostException.class);
                assertThat(record(store, id)).isEqualTo(takenOverBefore);
            } else {
                assertThat(results.get(i)).isNull();
                AssetRecord r = record(store, id);
                assertThat(r.state()).isEqualTo(AssetState.DONE);
                assertThat(r.items()).isEqualTo(7);
                assertThat(r.skipped()).isEqualTo(1);
                assertThat(r.checksum()).isEqualTo("sum-" + id);
            }
        }
        List<Event> newEvents = store.events(100_000).stream().skip(eventsBefore).toList();
        assertThat(newEvents).extracting(Event::kind).containsOnly("done").hasSize(39);
        assertThat(newEvents).extracting(Event::assetId).doesNotContain(takenOver.asset().id());
        assertThat(second().counts()).containsEntry(AssetState.DONE, 39L).containsEntry(AssetState.RUNNING, 1L);
    }

    @Test
    void completeAllOfAnAlreadyCompletedClaimReportsItLostAndChangesNothing() {
        CheckpointStore store = store();
        store.plan(assets(2));
        Claim first = store.claim("w1", LEASE).orElseThrow();
        Claim second = store.claim("w1", LEASE).orElseThrow();
        store.complete(first, new Outcome(3, 0, "a"));
        AssetRecord before = record(store, first.asset().id());

        List<RuntimeException> results = store.completeAll(List.of(
                new Completion(first, new Outcome(99, 0, "b")), new Completion(second, new Outcome(4, 0, "c"))));

        assertThat(results.get(0)).isInstanceOf(LeaseLostException.class);
        assertThat(results.get(1)).isNull();
        assertThat(record(store, first.asset().id())).isEqualTo(before);
        assertThat(record(store, second.asset().id()).state()).isEqualTo(AssetState.DONE);
        assertThat(store.completeAll(List.of())).isEmpty();
    }

    /** Completes {@code claims} from {@code threads} threads started at once; asset id → "done" or "lost". */
    private static Map<String, String> completeConcurrently(CheckpointStore store, List<Claim> claims, int threads)
            throws Exception {
        Map<String, String> results = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = first; i < claims.size(); i += threads) {
                        Claim claim = claims.get(i);
                        try {
                            store.complete(claim, new Outcome(7, 0, "sum-" + claim.asset().id()));
                            results.put(claim.asset().id(), "done");
                        } catch (LeaseLostException lost) {
                            results.put(claim.asset().id(), "lost");
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    private static List<Claim> claimAll(CheckpointStore store, String worker) {
        List<Claim> claims = new ArrayList<>();
        Optional<Claim> claim;
        while ((claim = store.claim(worker, LEASE)).isPresent()) {
            claims.add(claim.get());
        }
        return claims;
    }

    // ---- claims fetched in advance ------------------------------------------------------

    @Test
    void onlyHandedOutClaimsShowAsRunningAndTheRestComeBackWhenTheHandleCloses() {
        CheckpointStore store = store();
        store.plan(assets(200));
        for (int i = 0; i < 10; i++) {
            store.claim("w1", LEASE).orElseThrow();
        }

        CheckpointStore other = second();
        assertThat(store.counts()).containsEntry(AssetState.RUNNING, 10L).containsEntry(AssetState.PENDING, 190L);
        store.close();

        assertThat(other.counts()).containsEntry(AssetState.RUNNING, 10L).containsEntry(AssetState.PENDING, 190L);
        assertThat(other.assets(all())).filteredOn(r -> r.state() == AssetState.RUNNING)
                .allSatisfy(r -> assertThat(r.worker()).isEqualTo("w1"));
    }

    @Test
    void claimsOfAHandleThatStoppedComeBackWhenTheirLeaseExpires() {
        CheckpointStore store = store();
        store.plan(assets(200));
        Set<String> handedOut = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            handedOut.add(store.claim("w1", LEASE).orElseThrow().asset().id());
        }
        // The handle is left as a killed process leaves it: nothing released, nothing heartbeaten.

        clock.set(T0.plus(LEASE).plusSeconds(1));
        CheckpointStore other = second();
        Set<String> reclaimed = new HashSet<>(claimAll(other, "w2").stream().map(c -> c.asset().id()).toList());

        assertThat(reclaimed).hasSize(200).containsAll(handedOut);
    }

    @Test
    void recoveringAWorkersClaimsReturnsThoseFetchedInAdvanceToo() {
        CheckpointStore store = store();
        store.plan(assets(200));
        for (int i = 0; i < 10; i++) {
            store.claim("w1", LEASE).orElseThrow();
        }

        CheckpointStore other = second();
        int recovered = other.releaseClaimsOf("w1", "worker process 1 on test is gone");

        assertThat(recovered).isGreaterThanOrEqualTo(10);
        assertThat(other.counts()).containsEntry(AssetState.PENDING, 200L).containsEntry(AssetState.RUNNING, 0L);
        Claim next = other.claim("w2", Duration.ofMinutes(1)).orElseThrow();
        assertThat(next.workerId()).isEqualTo("w2");
    }

    // ---- planning in bulk ---------------------------------------------------------------

    @Test
    void planningManyAssetsKeepsTheStatesOfKnownIds() {
        CheckpointStore store = store();
        List<Asset> first = IntStream.range(0, 20_000).mapToObj(i -> asset(String.format("k%06d", i), 100)).toList();
        store.plan(first);
        Claim done = store.claim("w1", LEASE).orElseThrow();
        store.complete(done, new Outcome(3, 0, "ok"));
        Claim failed = store.claim("w1", LEASE).orElseThrow();
        store.fail(failed, ErrorClass.IO, "bad", false, 1);
        Claim running = store.claim("w1", LEASE).orElseThrow();
        List<Asset> second = new ArrayList<>(first);
        second.set(19_999, new Asset(first.get(19_999).id(), "/in/changed", null, "/out/changed", 5, 2_000L));
        IntStream.range(0, 30_000).mapToObj(i -> asset(String.format("n%06d", i), 50)).forEach(second::add);

        PlanSummary summary = store.plan(second);

        assertThat(summary).isEqualTo(new PlanSummary(30_000, 19_999, 1));
        assertThat(record(store, done.asset().id()).state()).isEqualTo(AssetState.DONE);
        assertThat(record(store, done.asset().id()).checksum()).isEqualTo("ok");
        assertThat(record(store, failed.asset().id()).state()).isEqualTo(AssetState.FAILED);
        assertThat(record(store, running.asset().id()).state()).isEqualTo(AssetState.RUNNING);
        assertThat(record(store, first.get(19_999).id()).asset().input()).isEqualTo("/in/changed");
        assertThat(store.counts()).containsEntry(AssetState.PENDING, 49_997L);
        List<AssetRecord> all = store.assets(all());
        assertThat(all).hasSize(50_000);
        assertThat(all.get(20_000).asset().id()).isEqualTo("n000000");
        assertThat(all.get(49_999).asset().id()).isEqualTo("n029999");
        Map<String, Long> planned = store.events(1_000_000).stream().filter(e -> e.kind().equals("planned"))
                .collect(Collectors.groupingBy(Event::assetId, Collectors.counting()));
        assertThat(planned).hasSize(50_000).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

    @Test
    void idsAndPathsWithTabsBackslashesNewlinesAndAccentsComeBackExactly() {
        CheckpointStore store = store();
        List<Asset> odd = new ArrayList<>();
        String[] names = {"tab\there", "back\\slash", "new\nline", "cr\rret", "zürich €", "\\N", "quote'\"", ""};
        for (int i = 0; i < names.length; i++) {
            odd.add(new Asset("id-" + names[i], "/in/" + names[i], i % 2 == 0 ? null : "part\t" + i,
                    "/out/" + names[i], i, i));
        }
        List<Asset> many = new ArrayList<>(odd);
        IntStream.range(0, 20_000).mapToObj(i -> asset("bulk" + i, 1)).forEach(many::add);

        store.plan(many);

        List<Asset> stored = store.assets(all()).stream().map(AssetRecord::asset).toList();
        assertThat(stored.subList(0, odd.size())).containsExactlyElementsOf(odd);
        assertThat(store.plan(many)).isEqualTo(new PlanSummary(0, many.size(), 0));
    }

    @Test
    void aPlanThatFailsPartwayLeavesNothingBehind() {
        CheckpointStore store = store();
        List<Asset> many = new ArrayList<>(IntStream.range(0, 20_000).mapToObj(i -> asset("p" + i, 1)).toList());
        many.add(asset("p7", 1));

        assertThatThrownBy(() -> store.plan(many)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p7");

        assertThat(store.assets(all())).isEmpty();
        assertThat(store.events(10)).isEmpty();
    }
}
