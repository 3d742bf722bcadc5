package dev.cairn.geo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.JobSpec;
import dev.cairn.geo.format.CoordinatePrecision;
import dev.cairn.geo.pipeline.GeometryPolicy.OnInvalid;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spec of a convert job across versions: the --on-invalid default changed from fail to keep;
 * GeoJSON coordinates went from 9 decimals to the shortest round-trip decimal; --allow-ballpark
 * came.
 */
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

    private static ConvertOptions geojson(CoordinatePrecision precision, boolean ballpark) {
        return new ConvertOptions(List.of(Path.of("/data/in")), Path.of("/data/out"), "EPSG:4326", "geojson", null, 0,
                null, OnInvalid.FAIL, ballpark, precision);
    }

    @Test
    void aGeoJsonJobRecordedBeforeThePrecisionOptionKeepsNineDecimalsAndItsFingerprint() {
        JobSpec recordedBefore = new JobSpec("convert", Map.of("inputs", "/data/in", "-o", "/data/out",
                "--to", "EPSG:4326", "--format", "geojson", "--assume-crs", ""));
        assertThat(ConvertOptions.fromSpec(recordedBefore).coordinatePrecision()).isEqualTo(CoordinatePrecision.LEGACY);
        assertThat(geojson(CoordinatePrecision.LEGACY, false).toSpec().fingerprint()).isEqualTo(recordedBefore.fingerprint());
        assertThat(geojson(null, false).toSpec().options()).as("the new default is a new job")
                .containsEntry("--coordinate-precision", "shortest");
    }

    @Test
    void precisionIsNotPartOfTheSpecOfAFormatThatStoresDoubles() {
        assertThat(options(OnInvalid.FAIL).toSpec().options()).doesNotContainKey("--coordinate-precision");
        assertThat(ConvertOptions.fromSpec(options(OnInvalid.FAIL).toSpec()).coordinatePrecision())
                .isEqualTo(CoordinatePrecision.SHORTEST);
    }

    @Test
    void precisionAndBallparkRoundTripThroughTheSpecAndBallparkIsRecordedOnlyWhenAsked() {
        for (CoordinatePrecision p : List.of(CoordinatePrecision.SHORTEST, new CoordinatePrecision(0),
                new CoordinatePrecision(7), CoordinatePrecision.LEGACY)) {
            ConvertOptions back = ConvertOptions.fromSpec(geojson(p, true).toSpec());
            assertThat(back.coordinatePrecision()).isEqualTo(p);
            assertThat(back.allowBallpark()).isTrue();
        }
        assertThat(geojson(null, false).toSpec().options()).doesNotContainKey("--allow-ballpark");
        assertThat(ConvertOptions.fromSpec(geojson(null, false).toSpec()).allowBallpark()).isFalse();
    }
}
