package dev.cairn.geo.gpkg;

import dev.cairn.geo.testing.CountingContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.StopRequestedException;

class GpkgBadInputTest {
    static final GpkgConverter.Options TO_WGS84 = new GpkgConverter.Options("EPSG:4326", null);

    static AssetFailure failure(Path in, Path dir, GpkgConverter.Options options) {
        return catchThrowableOfType(AssetFailure.class,
                () -> GpkgConverter.convert(in, dir.resolve("out.gpkg"), options, new CountingContext()));
    }

    @Test
    void zeroByteFileIsAFormatFailure(@TempDir Path dir) throws Exception {
        Path in = Files.createFile(dir.resolve("x.gpkg"));
        AssetFailure f = failure(in, dir, TO_WGS84);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f.isTransient()).isFalse();
        assertThat(f).hasMessage(in + ": not a GeoPackage (file is empty)");
    }

    @Test
    void textFileNamedGpkgIsAFormatFailure(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("x.gpkg"), "name,wkt\nZürich,POINT(8.5 47.3)\n");
        AssetFailure f = failure(in, dir, TO_WGS84);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f).hasMessage(in + ": not a GeoPackage (not an SQLite database)");
    }

    @Test
    void sqliteDatabaseWithoutGpkgTablesIsAFormatFailure(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("plain.gpkg");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + in); var s = c.createStatement()) {
            s.execute("CREATE TABLE t (a INTEGER)");
        }
        AssetFailure f = failure(in, dir, TO_WGS84);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f).hasMessage(in + ": not a GeoPackage (no gpkg_contents table)");
    }

    @Test
    void truncatedGeoPackageIsAFormatFailureNotAStackTrace(@TempDir Path dir) throws Exception {
        GpkgFixture f = GpkgFixture.create(dir.resolve("full.gpkg"))
                .layer("pts", "fid", "geom", "POINT", 0, 0, 4326, "name TEXT");
        for (int i = 1; i <= 3000; i++) {
            f.row("pts", 4326, (long) i, "POINT (" + (i % 360 - 180) + " " + (i % 170 - 85) + ")", "name " + i);
        }
        byte[] full = Files.readAllBytes(f.write());
        Path in = Files.write(dir.resolve("cut.gpkg"), Arrays.copyOf(full, full.length / 2));
        AssetFailure failure = failure(in, dir, TO_WGS84);
        assertThat(failure.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.getMessage()).startsWith(in + ": ").contains("corrupt or truncated GeoPackage").contains("malformed").doesNotContain("\n");
    }

    @Test
    void layerWithoutCrsFailsUnlessACrsIsAssumed(@TempDir Path dir) throws Exception {
        Path in = GpkgFixture.create(dir.resolve("nocrs.gpkg"))
                .layer("pts", "fid", "geom", "POINT", 0, 0, 0)
                .row("pts", 0, 1L, "POINT (2680270.551 1239333.170)")
                .write();
        AssetFailure f = failure(in, dir, TO_WGS84);
        assertThat(f.errorClass()).isEqualTo(ErrorClass.CRS);
        assertThat(f).hasMessage(in + ": layer 'pts' has no CRS (srs_id 0); pass --assume-crs EPSG:n to say which it is");

        Path out = dir.resolve("assumed.gpkg");
        var result = GpkgConverter.convert(in, out, new GpkgConverter.Options("EPSG:4326", "EPSG:2056"), new CountingContext());
        assertThat(result.features()).isEqualTo(1);
        var p = Coordinates.read((byte[]) Outputs.query(out, "SELECT geom FROM pts").get(0).get("geom")).getCoordinate();
        assertThat(p.x).isCloseTo(8.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(p.y).isCloseTo(47.3, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void unknownTargetCodeIsACrsFailure(@TempDir Path dir) throws Exception {
        Path in = GpkgRoundTripTest.mixedLayer(dir);
        AssetFailure f = failure(in, dir, new GpkgConverter.Options("EPSG:999999", null));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.CRS);
        assertThat(f).hasMessageContaining("Unknown CRS code 'EPSG:999999'");
    }

    @Test
    void coordinateOutsideTheProjectionDomainNamesTheFeature(@TempDir Path dir) throws Exception {
        Path in = GpkgFixture.create(dir.resolve("pole.gpkg"))
                .layer("pts", "fid", "geom", "POINT", 0, 0, 4326)
                .row("pts", 4326, 1L, "POINT (8.5 47.3)")
                .row("pts", 4326, 42L, "POINT (0 90)")
                .write();
        AssetFailure f = failure(in, dir, new GpkgConverter.Options("EPSG:3857", null));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.GEOMETRY);
        assertThat(f.getMessage()).startsWith(in + ": layer 'pts', fid 42: cannot transform to EPSG:3857");
    }

    @Test
    void stopRequestPropagatesAfterProgressWasReported(@TempDir Path dir) throws Exception {
        GpkgFixture f = GpkgFixture.create(dir.resolve("many.gpkg")).layer("pts", "fid", "geom", "POINT", 0, 0, 4326);
        for (int i = 1; i <= 12_000; i++) {
            f.row("pts", 4326, (long) i, "POINT (8.5 47.3)");
        }
        Path in = f.write();
        var ctx = new CountingContext() {
            @Override
            public boolean stopRequested() {
                return progress.get() >= LayerCopier.STOP_CHECK_INTERVAL;
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> GpkgConverter.convert(in, dir.resolve("out.gpkg"), TO_WGS84, ctx))
                .isInstanceOf(StopRequestedException.class);
        assertThat(ctx.progress.get()).isEqualTo(LayerCopier.STOP_CHECK_INTERVAL);
    }
}
