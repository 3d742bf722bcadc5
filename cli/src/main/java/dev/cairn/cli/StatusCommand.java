package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.Event;
import dev.cairn.engine.JobRecord;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.WorkerActivity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn status}: the job, its counts per state, the current rate and ETA, the running
 * claims, every worker that worked on the job (its last heartbeat, claims, assets done, recent
 * rate, and whether it is live, stopped cleanly or its lease ran out) and the time of the last checkpoint. Opens the checkpoint
 * read-only, so it is safe while a run is going on (it sees the last committed state, and its
 * reads take no lock a worker waits for: SQLite in WAL mode, PostgreSQL's plain reads).
 *
 * <p>The job is OUTDIR's (its checkpoint, or the most recent job of {@code --store}), or
 * {@code --job ID} of {@code --store URL} without an OUTDIR, as a worker names it.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show a job: assets done, failed, pending and running, the current rate and ETA,",
                "the running claims (worker, attempt, lease), every worker of the job (last",
                "heartbeat, claims, assets done, recent rate, and whether it is live, stopped",
                "cleanly or its lease expired) and the time of the last checkpoint. A worker's",
                "recent rate is its assets done in the last 60 s per second it was active in",
                "them (from its first claim to its stop, or now). The job is OUTDIR's, or",
                "--job ID of --store URL.",
                "Read-only: safe while a run is going on."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(paramLabel = "OUTDIR", arity = "0..1",
            description = "Output directory of a run (optional with --store and --job).")
    Path outDir;

    @Option(names = "--store", paramLabel = "URL", description = "Checkpoint store: a SQLite file path or sqlite:PATH, or postgresql://HOST/DB (shared by many machines) (default: OUTDIR/.cairn/checkpoint.db).")
    String store;

    @Option(names = "--job", paramLabel = "ID", description = "The job of --store to show (as 'cairn worker --job'). Default: OUTDIR's, or the store's most recent job.")
    String jobId;

    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    private CheckpointStore open() {
        if (outDir == null) {
            if (store == null || store.isBlank()) {
                throw new CliException(RunReport.USAGE,
                        "status needs OUTDIR, or --store URL (and --job ID) of a shared store.");
            }
            return Stores.openJobReadOnly(store, jobId);
        }
        Path dir = outDir.toAbsolutePath().normalize();
        if (jobId == null) {
            return Stores.openReadOnly(dir, store);
        }
        return Stores.openJobReadOnly(Stores.url(dir, store), jobId);
    }

    @Override
    public Integer call() {
        Instant now = Instant.now();
        try (CheckpointStore cp = open()) {
            JobRecord job = cp.job().orElse(null);
            Map<AssetState, Long> counts = cp.counts();
            List<AssetRecord> running = cp.assets(EnumSet.of(AssetState.RUNNING));
            List<AssetRecord> done = cp.assets(EnumSet.of(AssetState.DONE));
            Instant lastCheckpoint = cp.events(1).stream().map(Event::at).findFirst().orElse(null);
            long liveClaims = running.stream().filter(r -> r.leaseUntil() != null && r.leaseUntil().isAfter(now)).count();
            StatusRate rate = StatusRate.of(done, cp.workersWithClaims(), liveClaims > 0, now);
            long remaining = counts.get(AssetState.PENDING) + counts.get(AssetState.RUNNING);
            Duration eta = liveClaims > 0 ? rate.eta(remaining) : null;
            long features = done.stream().mapToLong(AssetRecord::items).sum();
            List<WorkerActivity> workers = cp.workerActivity();
            if (json) {
                Map<String, Object> m = toJson(job, counts, features, rate, eta, running, lastCheckpoint, now);
                m.put("workers", workersJson(workers));
                System.out.println(Json.line(m));
            } else {
                printText(job, counts, features, rate, eta, running, lastCheckpoint, liveClaims, now);
                printWorkers(workers);
            }
            return 0;
        }
    }

    private static Map<String, Object> toJson(JobRecord job, Map<AssetState, Long> counts, long features,
                                              StatusRate rate, Duration eta, List<AssetRecord> running,
                                              Instant lastCheckpoint, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job == null ? null : job.id());
        m.put("kind", job == null ? null : job.kind());
        m.put("fingerprint", job == null ? null : job.fingerprint());
        m.put("created_at", job == null ? null : job.createdAt().toString());
        m.put("options", job == null ? null : keyOptions(job));
        m.put("counts", Json.counts(counts));
        m.put("features_done", features);
        m.put("unit", unit(job));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("window_seconds", rate.window() == null ? null : rate.window().toSeconds());
        r.put("features_per_second", rate.known() ? Math.round(rate.featuresPerSecond()) : null);
        r.put("assets_per_minute", rate.known() ? round1(rate.assetsPerMinute()) : null);
        m.put("rate", r);
        m.put("eta_seconds", eta == null ? null : eta.toSeconds());
        m.put("eta_at", eta == null ? null : now.plus(eta).toString());
        List<Map<String, Object>> claims = new ArrayList<>();
        for (AssetRecord a : running) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("asset", a.asset().id());
            c.put("input", a.asset().input());
            c.put("worker", a.worker());
            c.put("attempt", a.attempt());
            c.put("claimed_at", a.updatedAt() == null ? null : a.updatedAt().toString());
            c.put("running_seconds", a.updatedAt() == null ? null : Duration.between(a.updatedAt(), now).toSeconds());
            c.put("lease_until", a.leaseUntil() == null ? null : a.leaseUntil().toString());
            c.put("lease_expires_in_seconds", a.leaseUntil() == null ? null : Duration.between(now, a.leaseUntil()).toSeconds());
            c.put("lease_expired", a.leaseUntil() != null && !a.leaseUntil().isAfter(now));
            claims.add(c);
        }
        m.put("running", claims);
        m.put("last_checkpoint", lastCheckpoint == null ? null : lastCheckpoint.toString());
        m.put("now", now.toString());
        return m;
    }

    private static void printText(JobRecord job, Map<AssetState, Long> counts, long features, StatusRate rate,
                                  Duration eta, List<AssetRecord> running, Instant lastCheckpoint, long liveClaims,
                                  Instant now) {
        if (job == null) {
            System.out.println("no job recorded yet");
        } else {
            StringBuilder line = new StringBuilder("job " + job.id() + " (" + job.kind() + ")");
            keyOptions(job).forEach((k, v) -> line.append("  ").append(k).append(' ').append(v));
            System.out.println(line);
            System.out.println("fingerprint " + job.fingerprint() + ", created " + job.createdAt());
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String unit = unit(job);
        System.out.printf(Locale.ROOT, "done %d  failed %d  pending %d  running %d  total %d  (%,d %s done)%n",
                counts.get(AssetState.DONE), counts.get(AssetState.FAILED), counts.get(AssetState.PENDING),
                counts.get(AssetState.RUNNING), total, features, unit);
        String rateText = rate.known()
                ? String.format(Locale.ROOT, "%,.0f %s/s, %.1f assets/min over the last %s",
                rate.featuresPerSecond(), unit, rate.assetsPerMinute(), StatusRate.text(rate.window()))
                : "not known yet (no asset finished recently)";
        if (liveClaims > 0) {
            System.out.println("rate " + rateText + "; ETA " + (eta == null ? "unknown" : StatusRate.text(eta)
                    + " (" + now.plus(eta).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")"));
        } else {
            System.out.println("no run in progress" + (rate.known() ? "; last rate " + rateText : ""));
        }
        System.out.println("last checkpoint " + (lastCheckpoint == null ? "never"
                : lastCheckpoint + " (" + StatusRate.text(Duration.between(lastCheckpoint, now)) + " ago)"));
        if (!running.isEmpty()) {
            System.out.println("running claims:");
            for (AssetRecord a : running) {
                String lease;
                if (a.leaseUntil() == null) {
                    lease = "no lease";
                } else if (a.leaseUntil().isAfter(now)) {
                    lease = "lease expires in " + StatusRate.text(Duration.between(now, a.leaseUntil()));
                } else {
                    lease = "lease EXPIRED " + StatusRate.text(Duration.between(a.leaseUntil(), now))
                            + " ago (worker gone? the next run takes it over)";
                }
                System.out.printf(Locale.ROOT, "  %s  worker %s  attempt %d  running %s  %s%n", a.asset().id(), a.worker(),
                        a.attempt(), a.updatedAt() == null ? "?" : StatusRate.text(Duration.between(a.updatedAt(), now)), lease);
            }
        }
    }

    /** Every worker of the job, one object each; ages and expiry by the store's clock. */
    private static List<Map<String, Object>> workersJson(List<WorkerActivity> workers) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (WorkerActivity w : workers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("worker", w.workerId());
            m.put("host", w.host());
            m.put("pid", w.pid() < 0 ? null : w.pid());
            m.put("registered_at", text(w.registeredAt()));
            m.put("last_heartbeat", text(w.lastHeartbeat()));
            m.put("heartbeat_age_seconds", w.sinceHeartbeat() == null ? null : w.sinceHeartbeat().toSeconds());
            m.put("lease_until", text(w.leaseUntil()));
            m.put("lease_expired", w.leaseExpired());
            m.put("state", w.state().key());
            m.put("stopped_at", text(w.stoppedAt()));
            m.put("claims", w.claims());
            m.put("done", w.done());
            m.put("failed", w.failed());
            m.put("done_last_60s", w.doneRecently());
            m.put("active_last_60s_seconds", w.recentWindow().toMillis() / 1000.0);
            m.put("assets_per_second", Math.round(w.recentAssetsPerSecond() * 1000) / 1000.0);
            m.put("last_event", text(w.lastEvent()));
            m.put("store_now", w.now().toString());
            list.add(m);
        }
        return list;
    }

    /**
     * One line per worker: id, last heartbeat, claims, done, recent rate (over the part of the last
     * minute it was active), and its state: lease ok, STOPPED (it recorded a clean stop), or lease
     * EXPIRED (no clean stop and its lease lies in the past: dead, hung, cut off from the store, or
     * a cairn that records no stop).
     */
    private static void printWorkers(List<WorkerActivity> workers) {
        if (workers.isEmpty()) {
            return;
        }
        System.out.println("workers (" + workers.size() + ", times by the store's clock):");
        for (WorkerActivity w : workers) {
            String beat = w.sinceHeartbeat() == null ? "no heartbeat"
                    : "heartbeat " + StatusRate.text(w.sinceHeartbeat()) + " ago";
            String lease;
            if (w.stopped()) {
                lease = "STOPPED " + StatusRate.text(Duration.between(w.stoppedAt(), w.now())) + " ago"
                        + (w.claims() > 0 ? " (its claims go to the next worker when their lease runs out)" : "");
            } else if (!w.leaseExpired()) {
                lease = "lease ok (" + StatusRate.text(Duration.between(w.now(), w.leaseUntil())) + " left)";
            } else if (w.claims() > 0) {
                lease = "lease EXPIRED" + (w.leaseUntil() == null ? ""
                        : " " + StatusRate.text(Duration.between(w.leaseUntil(), w.now())) + " ago")
                        + " (dead? its claims go to the next worker)";
            } else {
                lease = "lease EXPIRED (gone or finished)";
            }
            System.out.printf(Locale.ROOT,
                    "  %s  %s  claims %d  done %d  failed %d  %.2f assets/s (%d in the last %d s, active %s of them)  %s%n",
                    w.workerId(), beat, w.claims(), w.done(), w.failed(), w.recentAssetsPerSecond(), w.doneRecently(),
                    WorkerActivity.RECENT.toSeconds(), StatusRate.text(w.recentWindow()), lease);
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    /** The unit of progress of the job's kind ({@code features} when no job or kind is known). */
    private static String unit(JobRecord job) {
        return job == null ? "features" : JobExecution.JOB_TYPES.forKind(job.kind()).map(t -> t.unit()).orElse("items");
    }

    /** The options a user recognises the job by; inputs are summarised by their count. */
    private static Map<String, String> keyOptions(JobRecord job) {
        Map<String, String> m = new LinkedHashMap<>();
        job.spec().forEach((k, v) -> {
            if (k.equals("inputs")) {
                m.put("inputs", String.valueOf(v.isEmpty() ? 0 : v.split("\n").length));
            } else if (!v.isEmpty()) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
