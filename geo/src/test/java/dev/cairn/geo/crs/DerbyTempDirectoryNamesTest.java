package dev.cairn.geo.crs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DerbyTempDirectoryNamesTest {
    private static final String PREFIX = "cairn-derby-";

    @Test
    void theDirectoryOfAProcessThatHasEndedIsStale() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();

        assertThat(DerbyTempDirectory.ofADeadProcess(PREFIX + ended.pid() + "-8812345", PREFIX)).isTrue();
    }

    @Test
    void theDirectoryOfALiveProcessIsNeverStale() {
        assertThat(DerbyTempDirectory.ofADeadProcess(PREFIX + ProcessHandle.current().pid() + "-8812345", PREFIX)).isFalse();
    }

    @Test
    void namesNotMadeByCairnAreNeverStale() {
        assertThat(DerbyTempDirectory.ofADeadProcess("derbytmp_Ua816c00eX01a2X5000", PREFIX)).isFalse();
        assertThat(DerbyTempDirectory.ofADeadProcess(PREFIX + "notapid-1", PREFIX)).isFalse();
        assertThat(DerbyTempDirectory.ofADeadProcess(PREFIX + "12345", PREFIX)).as("no dash after the pid").isFalse();
        assertThat(DerbyTempDirectory.ofADeadProcess("other-" + PREFIX + "1-2", PREFIX)).isFalse();
    }
}
