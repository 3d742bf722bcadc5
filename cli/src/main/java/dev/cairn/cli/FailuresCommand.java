package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.FeatureIssueRecord;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.CheckpointStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn failures}: the dead letters of a job grouped by error class, with counts and a
 * few examples per class. Opens the checkpoint read-only (safe during a run).
 */
@Command(name = "failures", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List the dead letters of OUTDIR's job grouped by error class, with counts and examples",
                "(asset, attempts, message), then the features --on-invalid kept, skipped or repaired (file, layer, fid, reason)",
                "and the layers --allow-ballpark converted without a datum shift.",
                "--json lists every failure. Read-only: safe while a run is going on."})
final class FailuresCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = "--examples", paramLabel = "N", defaultValue = "3",
            description = "Examples shown per error class (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--json", description = "Print the failures as one JSON object: count, by_class (count and examples per class) and every failure.")
    boolean json;

    @Override
    public Integer call() {
        if (examples < 0) {
            throw new CliException(RunReport.USAGE, "--examples " + examples + ": must be 0 or more.");
        }
        try (CheckpointStore cp = Stores.openReadOnly(checkpoint.dir(), checkpoint.store)) {
            List<AssetRecord> failed = cp.assets(EnumSet.of(AssetState.FAILED));
            Map<String, List<AssetRecord>> byClass = byClass(failed);
            long skipped = cp.assets(EnumSet.of(AssetState.DONE)).stream().mapToLong(AssetRecord::skipped).sum();
            List<FeatureIssueRecord> issues = cp.featureIssues(json ? Integer.MAX_VALUE : FEATURE_ISSUES_SCANNED);
            if (json) {
                printJson(failed, byClass, skipped, issues);
                return 0;
            }
            if (failed.isEmpty()) {
                System.out.println("no failures");
            } else {
                printText(failed, byClass);
            }
            printFeatureIssues(skipped, issues);
            return 0;
        }
    }

    /** Failures per error class key, the most frequent class first, then by name. */
    private static Map<String, List<AssetRecord>> byClass(List<AssetRecord> failed) {
        Map<String, List<AssetRecord>> grouped = new TreeMap<>();
        for (AssetRecord f : failed) {
            grouped.computeIfAbsent(classKey(f), k -> new ArrayList<>()).add(f);
        }
        Map<String, List<AssetRecord>> sorted = new LinkedHashMap<>();
        grouped.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<AssetRecord>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Feature issues read for the text report (its examples and per-action counts). */
    private static final int FEATURE_ISSUES_SCANNED = 100_000;

    private void printFeatureIssues(long skipped, List<FeatureIssueRecord> issues) {
        if (skipped == 0 && issues.isEmpty()) {
            return;
        }
        long repaired = issues.stream().filter(i -> i.issue().action() == FeatureIssue.Action.REPAIRED).count();
        long kept = issues.stream().filter(i -> i.issue().action() == FeatureIssue.Action.KEPT).count();
        long approximated = issues.stream().filter(i -> i.issue().action() == FeatureIssue.Action.APPROXIMATED).count();
        String more = issues.size() >= FEATURE_ISSUES_SCANNED ? "+" : "";
        System.out.println();
        if (skipped > 0 || repaired > 0 || kept > 0) {
            System.out.println("--on-invalid: " + skipped + " feature(s) skipped, " + repaired + more + " repaired"
                    + (kept > 0 ? ", " + kept + more + " kept invalid as read" : ""));
        }
        if (approximated > 0) {
            System.out.println("--allow-ballpark: " + approximated + more
                    + " layer(s) converted without a datum shift (latitude and longitude kept)");
        }
        issues.stream().limit(Math.max(examples, 1) * 2L).forEach(i -> System.out.printf("  %s  %s%n",
                i.issue().action().name().toLowerCase(java.util.Locale.ROOT), i.issue().message()));
        if (issues.size() > Math.max(examples, 1) * 2L) {
            System.out.println("  … --json lists every recorded one (the first " + dev.cairn.engine.Outcome.MAX_ISSUES
                    + " per asset)");
        }
    }

    private static Map<String, Object> issueRow(FeatureIssueRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asset", r.assetId());
        m.put("action", r.issue().action().name().toLowerCase(java.util.Locale.ROOT));
        m.put("error_class", r.issue().errorClass().key());
        m.put("message", r.issue().message());
        return m;
    }

    private void printJson(List<AssetRecord> failed, Map<String, List<AssetRecord>> byClass, long skipped,
            List<FeatureIssueRecord> issues) {
        Map<String, Object> classes = new LinkedHashMap<>();
        byClass.forEach((cls, list) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("count", list.size());
            c.put("examples", list.stream().limit(examples).map(FailuresCommand::row).toList());
            classes.put(cls, c);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", failed.size());
        out.put("by_class", classes);
        out.put("failures", failed.stream().map(FailuresCommand::row).toList());
        out.put("skipped_features", skipped);
        out.put("feature_issues", issues.stream().map(FailuresCommand::issueRow).toList());
        System.out.println(Json.line(out));
    }

    private void printText(List<AssetRecord> failed, Map<String, List<AssetRecord>> byClass) {
        System.out.println(failed.size() + " failed asset(s) in " + byClass.size() + " error class(es)");
        byClass.forEach((cls, list) -> {
            System.out.println();
            System.out.println(cls + ": " + list.size() + " asset(s)");
            list.stream().limit(examples).forEach(f -> System.out.printf("  %s  (%d attempt(s)%s)%n    %s%n",
                    f.asset().id(), f.tries(), f.transientFailure() ? ", transient" : "", f.message()));
            if (list.size() > examples) {
                System.out.println("  … and " + (list.size() - examples) + " more (--examples N shows more, --json lists all)");
            }
        });
        System.out.println();
        System.out.println("Fix the inputs, then 'cairn retry-failures OUTDIR [--class CLASS]' runs them again.");
    }

    /** A failed asset as {@code --json} lists it (also the fields of a failure event on stderr, see {@link StderrEvents}). */
    static Map<String, Object> row(AssetRecord f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asset", f.asset().id());
        m.put("input", f.asset().input());
        m.put("error_class", classKey(f));
        m.put("message", f.message());
        m.put("attempts", f.tries());
        m.put("transient", f.transientFailure());
        return m;
    }

    private static String classKey(AssetRecord f) {
        return f.errorClass() == null ? "unknown" : f.errorClass().key();
    }
}
