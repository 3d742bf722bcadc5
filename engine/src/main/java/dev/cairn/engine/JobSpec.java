package dev.cairn.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * The options of a job that determine its output, and the fingerprint that identifies the job.
 * Options that only change how the job runs (workers, logging) do not belong here: changing them
 * between runs is allowed.
 */
public final class JobSpec {
    private final String kind;
    private final TreeMap<String, String> options;

    public JobSpec(String kind, Map<String, String> options) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.options = new TreeMap<>(options);
    }

    public String kind() {
        return kind;
    }

    public Map<String, String> options() {
        return java.util.Collections.unmodifiableMap(options);
    }

    /** SHA-256 over the kind and the sorted {@code key=value} lines, in hex. */
    public String fingerprint() {
        StringBuilder text = new StringBuilder("kind=").append(kind).append('\n');
        options.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    public JobRecord toRecord(Instant now) {
        String fp = fingerprint();
        return new JobRecord(fp.substring(0, 16), fp, kind, options, now);
    }

    /** Rebuilds the spec of a stored job. */
    public static JobSpec of(JobRecord record) {
        return new JobSpec(record.kind(), record.spec());
    }

    /**
     * Binds this spec to {@code store}: a store without a job records this one; a store holding
     * this very job resumes it; a store holding another job is refused with
     * {@link OptionDriftException} (naming every differing option) unless {@code fresh}, which
     * forgets the stored job first. {@code where} names the checkpoint in messages (its OUTDIR).
     *
     * @return the job now recorded in the store
     */
    public JobRecord resumeOrStart(CheckpointStore store, boolean fresh, String where) {
        JobRecord stored = store.job().orElse(null);
        if (stored != null) {
            List<String> diffs = differencesFrom(stored);
            if (diffs.isEmpty()) {
                return stored;
            }
            if (!fresh) {
                throw new OptionDriftException(where, stored, diffs);
            }
            LoggerFactory.getLogger(JobSpec.class).info("--fresh: forgetting job {} recorded in {}",
                    stored.id(), where);
            store.clear();
        }
        JobRecord created = toRecord(Instant.now());
        store.createJob(created);
        return created;
    }

    /**
     * The options whose values differ between the stored job and this one, each described as
     * {@code name: stored → requested}; empty when this spec is the stored job's.
     */
    public List<String> differencesFrom(JobRecord stored) {
        List<String> diffs = new ArrayList<>();
        if (!stored.kind().equals(kind)) {
            diffs.add("job kind: " + stored.kind() + " → " + kind);
        }
        TreeSet<String> keys = new TreeSet<>(stored.spec().keySet());
        keys.addAll(options.keySet());
        for (String key : keys) {
            String before = stored.spec().get(key);
            String now = options.get(key);
            if (!Objects.equals(before, now)) {
                diffs.add(key + ": " + (before == null ? "(unset)" : before) + " → " + (now == null ? "(unset)" : now));
            }
        }
        return diffs;
    }
}
