package dev.cairn.engine;


import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
/**
 * What the store contracts share: fresh stores from the module under test ({@link #newStore},
 * {@link #reopen}), closed after each test, the store clock the tests move ({@link #clock}), and
 * the fixtures the contract tests use. The contracts themselves are {@link CheckpointStoreContract}
 * (job, plan, claims), {@link CheckpointStoreOutcomeContract} (failures, releases, resets, feature
 * issues, reading), {@link CheckpointStoreJobsContract} (several jobs in one store) and
 * {@link CheckpointStoreThroughputContract} (completions from many threads, claims fetched in
 * advance, planning in bulk); a store module runs all four (they are published in the engine's
 * test-jar).
 *
 * <p>Lease times come from the store's clock: a store under test must read the time from the
 * {@link Clock} it is given, so that a test expires a lease by moving {@link #clock}, not by
 * waiting.
 */
public abstract class CheckpointStoreContractBase {

    protected static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    protected static final Duration LEASE = Duration.ofMinutes(5);

    /** The store's clock in every test: starts at {@link #T0}, moves only when a test moves it. */
    protected final TestClock clock = new TestClock(T0);

    private final List<CheckpointStore> opened = new ArrayList<>();

    /** A fresh, empty store on its own storage, reading the time from {@code clock}. */
    protected abstract CheckpointStore newStore(Clock clock);

    /**
     * A second, independent handle on the storage of the last {@link #newStore} (as a second
     * process would open it for reading and writing), bound to {@code jobId}, or to the store's
     * most recent job when {@code jobId} is null.
     */
    protected abstract CheckpointStore reopen(Clock clock, String jobId);

    @AfterEach
    void closeStores() {
        for (CheckpointStore store : opened) {
            store.close();
        }
    }

    protected CheckpointStore store() {
        CheckpointStore store = newStore(clock);
        opened.add(store);
        return store;
    }

    /** Another handle on the same store, bound to its most recent job. */
    protected CheckpointStore second() {
        return second(null);
    }

    /** Another handle on the same store, bound to {@code jobId} (unbound if the store does not hold it). */
    protected CheckpointStore second(String jobId) {
        CheckpointStore store = reopen(clock, jobId);
        opened.add(store);
        return store;
    }

    protected static Asset asset(String id, long size) {
        return new Asset(id, "/in/" + id, null, "/out/" + id, size, 1_000L);
    }

    protected static List<Asset> assets(int n) {
        return IntStream.range(0, n).mapToObj(i -> asset(String.format("a%05d", i), 100)).toList();
    }

    protected static Set<AssetState> all() {
        return EnumSet.allOf(AssetState.class);
    }

    protected static AssetRecord record(CheckpointStore store, String id) {
        return store.assets(all()).stream().filter(r -> r.asset().id().equals(id)).findFirst().orElseThrow();
    }

    protected static JobRecord job() {
        return new JobSpec("convert", Map.of("target-crs", "EPSG:3857", "format", "gpkg")).toRecord(T0);
    }

    /** A job other than {@link #job()}, created later. */
    protected static JobRecord otherJob() {
        return new JobSpec("convert", Map.of("target-crs", "EPSG:4326", "format", "fgb")).toRecord(T0.plusSeconds(60));
    }

    /** A clock a test sets or advances; safe to read from several threads. */
    protected static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        public void set(Instant instant) {
            now = instant;
        }

        public void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a store clock is UTC");
        }
    }
}
