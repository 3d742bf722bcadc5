package dev.cairn.geo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.JobSpec;
import dev.cairn.geo.pipeline.GeometryPolicy.OnInvalid;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec of a convert job across versions: the --on-invalid default changed from fail to keep. */
class ConvertOptionsTest {
    private static ConvertOptions options(OnInvalid policy) {
        return new ConvertOptions(List.of(Path.of("/data/in")), Path.of("/data/out"), "EPSG:4326", "gpkg", null, 0,
                null, policy);
    }

    @Test
    void theKeepDefaultIsRecordedInTheSpecSoThatItIsANewJob() {
        assertThat(options(null).onInvalid()).isEqualTo(OnInvalid.KEEP);
        assertThat(options(null).toSpec().options()).containsEntry("--on-invalid", "keep");
    }

    @Test
    void aJobRecordedWithoutOnInvalidWasAFailJobAndResumesAsOne() {
        JobSpec recordedBeforeKeep = new JobSpec("convert", Map.of("inputs", "/data/in", "-o", "/data/out",
                "--to", "EPSG:4326", "--format", "gpkg", "--assume-crs", ""));
        assertThat(ConvertOptions.fromSpec(recordedBeforeKeep).onInvalid()).isEqualTo(OnInvalid.FAIL);
        assertThat(options(OnInvalid.FAIL).toSpec().fingerprint())
                .as("--on-invalid fail keeps the fingerprint of those jobs").isEqualTo(recordedBeforeKeep.fingerprint());
    }

    @Test
    void everyPolicyRoundTripsThroughTheSpec() {
        for (OnInvalid p : OnInvalid.values()) {
            assertThat(ConvertOptions.fromSpec(options(p).toSpec()).onInvalid()).isEqualTo(p);
        }
    }
}
