package dev.cairn.store.sqlite;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreContract;
import dev.cairn.engine.CheckpointStoreJobsContract;
import dev.cairn.engine.CheckpointStoreOutcomeContract;
import dev.cairn.engine.CheckpointStoreThroughputContract;
import dev.cairn.engine.CheckpointStoreWorkersContract;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan of blocks reads exactly like a plan of rows: the whole store contract, with every plan
 * of the handles written as blocks of two assets ({@link PlanBlocks}), so that every claim,
 * count, listing, event log, re-plan, removal and reset of the suite meets assets still in
 * blocks, expanded ones, and both in one job.
 */
class PlanBlocksContractTest extends CheckpointStoreContract {

    private static final PlanBlocks.Layout EVERY_PLAN_IN_BLOCKS_OF_TWO = new PlanBlocks.Layout(2);

    @TempDir
    Path dir;

    private Path file;
    private int stores;

    @Override
    protected CheckpointStore newStore(Clock clock) {
        file = dir.resolve("store-" + (++stores)).resolve("checkpoint.db");
        return SqliteStore.open(file, clock).planBlocks(EVERY_PLAN_IN_BLOCKS_OF_TWO);
    }

    @Override
    protected CheckpointStore reopen(Clock clock, String jobId) {
        return SqliteStore.open(file, jobId, clock).planBlocks(EVERY_PLAN_IN_BLOCKS_OF_TWO);
    }

    @Nested
    class Outcomes extends CheckpointStoreOutcomeContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Workers extends CheckpointStoreWorkersContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Jobs extends CheckpointStoreJobsContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Throughput extends CheckpointStoreThroughputContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }
}
