package dev.cairn.store.postgresql;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.CheckpointStoreContract;
import dev.cairn.engine.CheckpointStoreJobsContract;
import dev.cairn.engine.CheckpointStoreOutcomeContract;
import dev.cairn.engine.CheckpointStoreThroughputContract;
import dev.cairn.engine.CheckpointStoreWorkersContract;

import java.time.Clock;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A plan of blocks reads exactly like a plan of rows, on PostgreSQL too: the whole store
 * contract, with every plan of the handles written as blocks of two assets
 * ({@link PgPlanBlocks}), dissolved by the claims that reach them, so that
 * every claim, count, listing, event log, re-plan, removal and reset of the suite meets assets
 * still in blocks, dissolved ones, and both in one job.
 */
@ExtendWith(PostgresServer.class)
class PgPlanBlocksContractTest extends CheckpointStoreContract {

    static final PgPlanBlocks.Layout EVERY_PLAN_IN_BLOCKS_OF_TWO = new PgPlanBlocks.Layout(1, 2);

    private String url;

    static CheckpointStore open(String url, Clock clock, String jobId) {
        return PostgresStore.open(PostgresLocation.parse(url, name -> null), jobId, false, clock)
                .planBlocks(EVERY_PLAN_IN_BLOCKS_OF_TWO);
    }

    @Override
    protected CheckpointStore newStore(Clock clock) {
        url = PostgresServer.cluster().newDatabase();
        return open(url, clock, null);
    }

    @Override
    protected CheckpointStore reopen(Clock clock, String jobId) {
        return open(url, clock, jobId);
    }

    @Nested
    class Outcomes extends CheckpointStoreOutcomeContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PgPlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PgPlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Jobs extends CheckpointStoreJobsContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PgPlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PgPlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Workers extends CheckpointStoreWorkersContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PgPlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PgPlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }

    @Nested
    class Throughput extends CheckpointStoreThroughputContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PgPlanBlocksContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PgPlanBlocksContractTest.this.reopen(clock, jobId);
        }
    }
}
