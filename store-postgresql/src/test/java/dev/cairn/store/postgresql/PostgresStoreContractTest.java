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
 * The engine's store contract (all three parts) against {@link PostgresStore} on a real server,
 * each test on a fresh database. The contract moves the store's clock, so the handles here take
 * the test clock in place of the server's {@code now()}; {@link PostgresStoreTest} covers the
 * server's clock.
 */
@ExtendWith(PostgresServer.class)
class PostgresStoreContractTest extends CheckpointStoreContract {

    private String url;

    static CheckpointStore open(String url, Clock clock, String jobId) {
        return PostgresStore.open(PostgresLocation.parse(url, name -> null), jobId, false, clock);
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

    /** Part 2: outcomes, resets, feature issues, reading. */
    @Nested
    class Outcomes extends CheckpointStoreOutcomeContract {
        private String url;

        @Override
        protected CheckpointStore newStore(Clock clock) {
            url = PostgresServer.cluster().newDatabase();
            return open(url, clock, null);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return open(url, clock, jobId);
        }
    }

    /** Part 3: several jobs in one store. */
    @Nested
    class Jobs extends CheckpointStoreJobsContract {
        private String url;

        @Override
        protected CheckpointStore newStore(Clock clock) {
            url = PostgresServer.cluster().newDatabase();
            return open(url, clock, null);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return open(url, clock, jobId);
        }
    }

    /** Part 4: what status shows of each worker. */
    @Nested
    class Workers extends CheckpointStoreWorkersContract {
        private String url;

        @Override
        protected CheckpointStore newStore(Clock clock) {
            url = PostgresServer.cluster().newDatabase();
            return open(url, clock, null);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return open(url, clock, jobId);
        }
    }

    /** Part 5 of the store contract (group commit, claims fetched in advance, planning in bulk). */
    @Nested
    class Throughput extends CheckpointStoreThroughputContract {
        @Override
        protected CheckpointStore newStore(Clock clock) {
            return PostgresStoreContractTest.this.newStore(clock);
        }

        @Override
        protected CheckpointStore reopen(Clock clock, String jobId) {
            return PostgresStoreContractTest.this.reopen(clock, jobId);
        }
    }
}
