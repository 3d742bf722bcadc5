package dev.cairn.engine;


import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
/**
 * What the store contracts share: fresh stores from the module under test ({@link #newStore},
 * {@link #reopen}), closed after each test, and the fixtures the contract tests use. The
 * contracts themselves are {@link CheckpointStoreContract} (job, plan, claims) and
 * {@link CheckpointStoreOutcomeContract} (failures, releases, resets, feature issues, reading);
 * a store module runs both (they are published in the engine's test-jar).
 */
public abstract class CheckpointStoreContractBase {

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

    protected static Set<AssetState> all() {
        return EnumSet.allOf(AssetState.class);
    }

    protected static AssetRecord record(CheckpointStore store, String id) {
        return store.assets(all()).stream().filter(r -> r.asset().id().equals(id)).findFirst().orElseThrow();
    }

    protected static JobRecord job() {
        return new JobSpec("convert", Map.of("target-crs", "EPSG:3857", "format", "gpkg")).toRecord(T0);
    }
}
