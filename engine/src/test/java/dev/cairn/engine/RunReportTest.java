package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunReportTest {

    private static RunReport report(long done, long failed, long pending, Map<ErrorClass, Long> byClass, boolean interrupted) {
        Map<AssetState, Long> counts = new EnumMap<>(AssetState.class);
        counts.put(AssetState.DONE, done);
        counts.put(AssetState.FAILED, failed);
        counts.put(AssetState.PENDING, pending);
        counts.put(AssetState.RUNNING, 0L);
        return new RunReport(counts, byClass, 0, 0, 0, Duration.ofSeconds(1), interrupted);
    }

    @Test
    void everyAssetDoneExitsZero() {
        assertThat(report(5, 0, 0, Map.of(), false).exitCode()).isEqualTo(0);
    }

    @Test
    void interruptedRunExitsOneEvenWithFailures() {
        assertThat(report(1, 1, 3, Map.of(ErrorClass.CRS, 1L), true).exitCode()).isEqualTo(1);
    }

    @Test
    void workLeftToOtherWorkersExitsOne() {
        assertThat(report(1, 0, 2, Map.of(), false).exitCode()).isEqualTo(1);
    }

    @Test
    void onlyCrsFailuresAndNothingDoneExitsTen() {
        assertThat(report(0, 2, 0, Map.of(ErrorClass.CRS, 2L), false).exitCode()).isEqualTo(10);
    }

    @Test
    void onlyFormatFailuresAndNothingDoneExitsEleven() {
        assertThat(report(0, 3, 0, Map.of(ErrorClass.FORMAT, 3L), false).exitCode()).isEqualTo(11);
    }

    @Test
    void someDoneSomeFailedExitsTwelve() {
        assertThat(report(4, 1, 0, Map.of(ErrorClass.CRS, 1L), false).exitCode()).isEqualTo(12);
        assertThat(report(4, 1, 0, Map.of(ErrorClass.FORMAT, 1L), false).exitCode()).isEqualTo(12);
    }

    @Test
    void mixedFailureClassesWithNothingDoneExitTwelve() {
        assertThat(report(0, 2, 0, Map.of(ErrorClass.CRS, 1L, ErrorClass.FORMAT, 1L), false).exitCode()).isEqualTo(12);
    }
}
