package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecTest {

    @Test
    void fingerprintIgnoresOptionOrderButNotValues() {
        JobSpec a = new JobSpec("convert", Map.of("--to", "EPSG:4326", "inputs", "/data"));
        JobSpec b = new JobSpec("convert", Map.of("inputs", "/data", "--to", "EPSG:4326"));
        JobSpec c = new JobSpec("convert", Map.of("inputs", "/data", "--to", "EPSG:3857"));
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(64);
        assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
    }

    @Test
    void differencesNameTheOptionAndBothValues() {
        JobRecord stored = new JobSpec("convert", Map.of("--to", "EPSG:3857", "inputs", "/data")).toRecord(Instant.EPOCH);
        JobSpec now = new JobSpec("convert", Map.of("--to", "EPSG:4326", "inputs", "/data"));
        assertThat(now.differencesFrom(stored)).containsExactly("--to: EPSG:3857 → EPSG:4326");
        assertThat(JobSpec.of(stored).differencesFrom(stored)).isEmpty();
    }

    @Test
    void recordIdIsThePrefixOfTheFingerprint() {
        JobSpec spec = new JobSpec("convert", Map.of("--to", "EPSG:4326"));
        JobRecord r = spec.toRecord(Instant.EPOCH);
        assertThat(r.fingerprint()).isEqualTo(spec.fingerprint()).startsWith(r.id());
    }
}
