package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The rule for leases: a lease lasts at least three heartbeats plus a pause, so a live
 * worker that misses three heartbeats and then stalls keeps its claims (see {@link RetrySettings}).
 */
class LeaseTimingTest {

    @Test
    void theDefaultLeaseOutlastsThreeHeartbeatsPlusAPause() {
        assertThat(RetrySettings.LEASE).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetrySettings.HEARTBEAT).isEqualTo(Duration.ofSeconds(15));
        assertThat(RetrySettings.PAUSE_ALLOWANCE).isPositive().isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(RetrySettings.LEASE).isGreaterThanOrEqualTo(
                RetrySettings.HEARTBEAT.multipliedBy(3).plus(RetrySettings.PAUSE_ALLOWANCE));
        assertThat(RetrySettings.heartbeatInterval(RetrySettings.LEASE)).isEqualTo(RetrySettings.HEARTBEAT);
    }

    @Test
    void aLeaseSetForOneRunKeepsThreeHeartbeatsAndAPauseOfOneMore() {
        for (Duration lease : new Duration[] {Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofMinutes(5)}) {
            Duration beat = RetrySettings.heartbeatInterval(lease);
            assertThat(lease.minus(beat.multipliedBy(3))).as("pause allowed with a lease of %s", lease)
                    .isGreaterThanOrEqualTo(beat);
        }
    }

    @Test
    void theCliLeaseIsTheDefaultUnlessThePropertySetsAPositiveDuration() {
        String before = System.getProperty("cairn.lease");
        try {
            System.clearProperty("cairn.lease");
            assertThat(RetrySettings.lease()).isEqualTo(RetrySettings.LEASE);
            System.setProperty("cairn.lease", "PT8S");
            assertThat(RetrySettings.lease()).isEqualTo(Duration.ofSeconds(8));
            System.setProperty("cairn.lease", "PT0S");
            assertThatThrownBy(RetrySettings::lease).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positive");
            System.setProperty("cairn.lease", "eight seconds");
            assertThatThrownBy(RetrySettings::lease).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ISO-8601");
        } finally {
            if (before == null) {
                System.clearProperty("cairn.lease");
            } else {
                System.setProperty("cairn.lease", before);
            }
        }
    }
}
