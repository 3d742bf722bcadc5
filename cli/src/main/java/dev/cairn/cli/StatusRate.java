package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The recent throughput of a job as {@code status} derives it from the checkpoint alone (so it
 * works from another process while a run goes on): the done assets whose {@code updated_at} falls
 * in the last {@link #WINDOW}, their features, divided by the time they took.
 *
 * <p>During a run the window ends now and starts at the later of now − {@link #WINDOW} and the
 * registration of the oldest worker holding a claim (the start of the run). Between runs it ends
 * at the last completion and starts at the first completion in the window, which is then not
 * counted (its work happened before the window). Whole-file assets finish in bursts, so the rate
 * of a run that has not finished an asset yet is unknown, not zero.
 *
 * @param window        the time the rate is measured over, or null when unknown
 * @param assets        assets finished in the window
 * @param features      features of those assets
 */
record StatusRate(Duration window, long assets, long features) {
    static final Duration WINDOW = Duration.ofMinutes(5);

    static StatusRate of(List<AssetRecord> done, List<WorkerInfo> workers, boolean runInProgress, Instant now) {
        List<AssetRecord> timed = done.stream().filter(a -> a.updatedAt() != null)
                .sorted(Comparator.comparing(AssetRecord::updatedAt)).toList();
        if (runInProgress) {
            Instant from = now.minus(WINDOW);
            Instant runStart = workers.stream().map(WorkerInfo::registeredAt).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElse(null);
            if (runStart != null && runStart.isAfter(from)) {
                from = runStart;
            }
            Instant start = from;
            List<AssetRecord> recent = timed.stream().filter(a -> a.updatedAt().isAfter(start)).toList();
            return measured(recent, Duration.between(start, now));
        }
        if (timed.size() < 2) {
            return new StatusRate(null, 0, 0);
        }
        Instant end = timed.get(timed.size() - 1).updatedAt();
        List<AssetRecord> recent = timed.stream().filter(a -> a.updatedAt().isAfter(end.minus(WINDOW))).toList();
        if (recent.size() < 2) {
            return new StatusRate(null, 0, 0);
        }
        Instant first = recent.get(0).updatedAt();
        return measured(recent.subList(1, recent.size()), Duration.between(first, end));
    }

    private static StatusRate measured(List<AssetRecord> finished, Duration window) {
        if (finished.isEmpty() || window.toMillis() <= 0) {
            return new StatusRate(null, 0, 0);
        }
        return new StatusRate(window, finished.size(), finished.stream().mapToLong(AssetRecord::items).sum());
    }

    boolean known() {
        return window != null;
    }

    double featuresPerSecond() {
        return known() ? features * 1000.0 / window.toMillis() : 0;
    }

    double assetsPerMinute() {
        return known() ? assets * 60_000.0 / window.toMillis() : 0;
    }

    /** Time to finish {@code remaining} assets at this rate, or null when the rate is unknown. */
    Duration eta(long remaining) {
        if (!known() || assets == 0) {
            return null;
        }
        return Duration.ofMillis(Math.round(remaining * (double) window.toMillis() / assets));
    }

    /** A duration as people read it: {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 05 min}. */
    static String text(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + String.format("%02d", (s % 3600) / 60) + " min";
    }
}
