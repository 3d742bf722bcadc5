package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void lineShowsPercentBarAssetsFeaturesRateAndEta() {
        var s = new ProgressReporter.Snapshot(3, 0, 6, 150_000, 300_000, 11_209.4, 13L);
        assertThat(ProgressLine.render(s, 120)).isEqualTo("cairn  50% [===================>                  ] "
                + "3/6 assets | 150,000/300,000 features | 11,209 features/s | ETA 0:13");
    }

    @Test
    void narrowTerminalDropsTheBarAndNeverOverflows() {
        var s = new ProgressReporter.Snapshot(1, 1, 6, 10, 300_000, 0, null);
        String line = ProgressLine.render(s, 60);
        assertThat(line).hasSizeLessThanOrEqualTo(60).startsWith("cairn   0% 1/6 assets (1 failed)").doesNotContain("[");
    }

    @Test
    void durationsAreMinutesSecondsOrHours() {
        assertThat(ProgressLine.duration(null)).isEqualTo("?");
        assertThat(ProgressLine.duration(75L)).isEqualTo("1:15");
        assertThat(ProgressLine.duration(3_725L)).isEqualTo("1:02:05");
    }

    @Test
    void chunkOffsetOnlyForPartsOfFiles() {
        assertThat(LoggingListener.chunkOffset(null)).isNull();
        assertThat(LoggingListener.chunkOffset("roads")).isNull();
        assertThat(LoggingListener.chunkOffset("roads[200000, 300000)")).isEqualTo(200_000L);
    }
}
