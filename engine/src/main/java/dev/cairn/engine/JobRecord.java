package dev.cairn.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job as stored in its checkpoint: the options that determine its output (sorted by key) and
 * the fingerprint derived from them, which is the job's identity.
 *
 * @param id          the job id (the fingerprint's first 16 hex characters)
 * @param fingerprint SHA-256 of the spec, see {@link JobSpec#fingerprint()}
 * @param kind        what kind of job, e.g. {@code convert}
 * @param spec        option name to value, every option that changes the output
 * @param createdAt   when the job was first recorded
 */
public record JobRecord(String id, String fingerprint, String kind, Map<String, String> spec, Instant createdAt) {
    public JobRecord {
        spec = Collections.unmodifiableMap(new TreeMap<>(spec));
    }
}
