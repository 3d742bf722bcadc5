package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a worker's claims are fetched in advance: only while it races through tiny assets. */
class ClaimQueueTest {

    @Test
    void aWorkerThatJustStartedFetchesOneClaimAtATime() {
        ClaimQueue queue = new ClaimQueue();
        for (int i = 0; i < ClaimQueue.FAST_CLAIMS; i++) {
            assertThat(queue.nextBatch()).isEqualTo(1);
            queue.fill(claims(1), 1);
            assertThat(queue.poll()).isPresent();
        }
    }

    @Test
    void aWorkerRacingThroughTinyAssetsFetchesDoublingBatchesUpToTheLargest() {
        ClaimQueue queue = new ClaimQueue();
        List<Integer> batches = new ArrayList<>();
        for (int fetch = 0; fetch < 16; fetch++) {
            int k = queue.nextBatch();
            batches.add(k);
            queue.fill(claims(k), k);
            while (queue.poll().isPresent()) {
                // handed out at once: a no-op processor
            }
        }

        assertThat(batches.subList(0, ClaimQueue.FAST_CLAIMS)).containsOnly(1);
        assertThat(batches.subList(ClaimQueue.FAST_CLAIMS, 16)).containsExactly(2, 4, 8, 16, 32, 64, 64, 64);
    }

    @Test
    void aWorkerOnRealAssetsNeverHoldsAClaimItHasNotStarted() throws Exception {
        ClaimQueue queue = new ClaimQueue();
        for (int i = 0; i < 2 * ClaimQueue.FAST_CLAIMS; i++) {
            assertThat(queue.nextBatch()).isEqualTo(1);
            queue.fill(claims(1), 1);
            assertThat(queue.poll()).isPresent();
            // an asset of 15 ms: 8 hand-outs span at least 105 ms, more than the fast window (a
            // slower machine only makes them slower)
            Thread.sleep(15);
        }
    }

    @Test
    void aShortBatchSetsTheNextOneBackToOne() {
        ClaimQueue queue = new ClaimQueue();
        for (int i = 0; i < ClaimQueue.FAST_CLAIMS; i++) {
            queue.fill(claims(queue.nextBatch()), 1);
            queue.poll();
        }
        assertThat(queue.nextBatch()).isEqualTo(2);
        queue.fill(claims(1), 2); // fewer claimable than asked
        queue.poll();

        assertThat(queue.nextBatch()).isEqualTo(1);
    }

    private static List<Claim> claims(int n) {
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            claims.add(new Claim(new Asset("a" + i, "in.gpkg", null, "a" + i + ".gpkg", 1, 1), "w1", 1, null));
        }
        return claims;
    }
}
