package dev.cairn.cli;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * Renders the progress bar line from a {@link ProgressReporter}'s counters, e.g.
 * <pre>
 * cairn  42% [=========&gt;            ] 3/6 assets | 126,000/300,000 features | 41,950 features/s | ETA 0:04
 * </pre>
 * ASCII only (stderr's charset may be ASCII), never wider than the terminal (the bar shrinks, then
 * goes). The library's own state is not used: features done/total, the rate of this run and the
 * ETA come from the reporter, which also knows the assets.
 */
final class ProgressLine implements ProgressBarRenderer {
    private static final int MIN_BAR = 10;
    private final ProgressReporter reporter;

    ProgressLine(ProgressReporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public String render(ProgressState ignored, int maxLength) {
        return render(reporter.snapshot(), reporter.unit(), maxLength);
    }

    /** The line of a job counted in features. */
    static String render(ProgressReporter.Snapshot s, int maxLength) {
        return render(s, "features", maxLength);
    }

    /** The line of a job whose unit of progress is {@code unit} (features, tiles, pixels). */
    static String render(ProgressReporter.Snapshot s, String unit, int maxLength) {
        double fraction = s.featuresTotal() == 0 ? 1 : Math.min(1.0, (double) s.featuresDone() / s.featuresTotal());
        String head = String.format(Locale.ROOT, "cairn %3d%% ", (int) Math.floor(fraction * 100));
        StringBuilder tail = new StringBuilder();
        tail.append(String.format(Locale.ROOT, " %d/%d assets", s.assetsDone(), s.assetsTotal()));
        if (s.assetsFailed() > 0) {
            tail.append(String.format(Locale.ROOT, " (%d failed)", s.assetsFailed()));
        }
        tail.append(String.format(Locale.ROOT, " | %,d/%,d %s | %,d %s/s | ETA %s",
                s.featuresDone(), s.featuresTotal(), unit, Math.round(s.featuresPerSecond()), unit, duration(s.etaSeconds())));
        int room = maxLength - head.length() - tail.length() - 2;
        if (room < MIN_BAR) {
            String line = head.trim() + tail;
            return line.length() <= maxLength ? line : line.substring(0, Math.max(maxLength, 0));
        }
        int width = Math.min(room, 40);
        int filled = (int) Math.floor(fraction * width);
        StringBuilder bar = new StringBuilder(width + 2).append('[');
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return head + bar.append(']') + tail;
    }

    /** {@code H:MM:SS} or {@code M:SS}; {@code ?} when unknown. */
    static String duration(Long seconds) {
        if (seconds == null) {
            return "?";
        }
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
