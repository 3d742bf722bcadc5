package dev.cairn.geo.gpkg;

import dev.cairn.geo.format.ChunkSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.pipeline.GeometryPolicy.OnInvalid;
import dev.cairn.geo.testing.CountingContext;

/**
 * --on-invalid on the GeoPackage paths: 2,000 features (several transform batches) with a bow-tie
 * polygon every 500th, through the whole-file converter and through chunks.
 */
class GeometryPolicyGpkgTest {
    private static final String BOWTIE = "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))";

    private static Path input(Path dir) throws Exception {
        GpkgFixture f = GpkgFixture.create(dir.resolve("in.gpkg"))
                .layer("parcels", "fid", "geom", "POLYGON", 0, 0, 4326, "name TEXT");
        for (int i = 1; i <= 2_000; i++) {
            String wkt = i % 500 == 0 ? BOWTIE
                    : "POLYGON ((" + (i % 90) + " 0, " + (i % 90 + 1) + " 0, " + (i % 90 + 1) + " 1, " + (i % 90) + " 0))";
            f.row("parcels", 4326, (long) i, wkt, "p" + i);
        }
        return f.write();
    }

    private static GpkgConverter.Options options(OnInvalid policy) {
        return new GpkgConverter.Options("EPSG:3857", null, null, policy);
    }

    @Test
    void byDefaultEveryFeatureIsWrittenAndABowTieStaysABowTie(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("out.gpkg");
        GpkgConverter.Result r = GpkgConverter.convert(in, out, options(GeometryPolicy.DEFAULT), new CountingContext());
        assertThat(r.features()).isEqualTo(2_000);
        assertThat(r.issues().list()).as("nothing checked, nothing recorded").isEmpty();
        Geometry g = Coordinates.read((byte[]) Outputs.query(out, "SELECT geom FROM parcels WHERE fid = 500").get(0).get("geom"));
        assertThat(g.getGeometryType()).isEqualTo("Polygon");
        assertThat(g.isValid()).as("still a bow-tie, reprojected as read").isFalse();
    }

    @Test
    void warnWritesEveryFeatureAndRecordsEachInvalidOneAsKept(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("out.gpkg");
        GpkgConverter.Result r = GpkgConverter.convert(in, out, options(OnInvalid.WARN), new CountingContext());
        assertThat(r.features()).isEqualTo(2_000);
        assertThat(r.issues().skippedCount()).isZero();
        assertThat(r.issues().keptCount()).isEqualTo(4);
        assertThat(r.issues().list()).extracting(FeatureIssue::action).containsOnly(FeatureIssue.Action.KEPT);
        assertThat(r.issues().list().get(0).message()).isEqualTo(in + ": layer 'parcels', fid 500: invalid geometry"
                + " kept as read (Self-intersection at (0.5 0.5))");
        Geometry g = Coordinates.read((byte[]) Outputs.query(out, "SELECT geom FROM parcels WHERE fid = 500").get(0).get("geom"));
        assertThat(g.isValid()).isFalse();
    }

    @Test
    void failStopsAtTheFirstInvalidFeatureNamingIt(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> GpkgConverter.convert(in,
                dir.resolve("out.gpkg"), options(OnInvalid.FAIL), new CountingContext()));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.GEOMETRY);
        assertThat(f.isTransient()).isFalse();
        assertThat(f).hasMessage(in + ": layer 'parcels', fid 500: invalid geometry (Self-intersection at (0.5 0.5));"
                + " --on-invalid skip leaves such features out, --on-invalid repair fixes them");
    }

    @Test
    void skipLeavesInvalidFeaturesOutAndRecordsEach(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("out.gpkg");
        GpkgConverter.Result r = GpkgConverter.convert(in, out, options(OnInvalid.SKIP), new CountingContext());
        assertThat(r.features()).isEqualTo(1_996);
        assertThat(r.issues().skippedCount()).isEqualTo(4);
        assertThat(r.issues().list()).extracting(FeatureIssue::action).containsOnly(FeatureIssue.Action.SKIPPED);
        assertThat(r.issues().list()).extracting(FeatureIssue::message).containsExactly(
                in + ": layer 'parcels', fid 500: invalid geometry (Self-intersection at (0.5 0.5))",
                in + ": layer 'parcels', fid 1000: invalid geometry (Self-intersection at (0.5 0.5))",
                in + ": layer 'parcels', fid 1500: invalid geometry (Self-intersection at (0.5 0.5))",
                in + ": layer 'parcels', fid 2000: invalid geometry (Self-intersection at (0.5 0.5))");
        assertThat(Outputs.query(out, "SELECT count(*) n FROM parcels WHERE fid % 500 = 0")).containsExactly(Map.of("n", 0));
        assertThat(Outputs.query(out, "SELECT count(*) n FROM rtree_parcels_geom")).containsExactly(Map.of("n", 1_996));
    }

    @Test
    void repairWritesTheFixedGeometryAndRecordsEach(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("out.gpkg");
        GpkgConverter.Result r = GpkgConverter.convert(in, out, options(OnInvalid.REPAIR), new CountingContext());
        assertThat(r.features()).isEqualTo(2_000);
        assertThat(r.issues().skippedCount()).isZero();
        assertThat(r.issues().repairedCount()).isEqualTo(4);
        assertThat(r.issues().list().get(0).message()).isEqualTo(in + ": layer 'parcels', fid 500: invalid geometry"
                + " repaired (Self-intersection at (0.5 0.5); repaired as MultiPolygon)");
        List<Map<String, Object>> rows = Outputs.query(out, "SELECT geom FROM parcels WHERE fid = 500");
        Geometry g = Coordinates.read((byte[]) rows.get(0).get("geom"));
        assertThat(g.getGeometryType()).isEqualTo("MultiPolygon");
        assertThat(g.isValid()).isTrue();
        assertThat(g.getNumGeometries()).isEqualTo(2);
    }

    @Test
    void chunksApplyThePolicyAndReportTheirOwnIssues(@TempDir Path dir) throws Exception {
        Path in = input(dir);
        Path out = dir.resolve("chunked.gpkg");
        long features = 0;
        long skipped = 0;
        for (ChunkSpec c : GpkgChunkConverterTest.plan(in, 700, "pol")) {
            GpkgChunkConverter.Result r = GpkgChunkConverter.convert(in, out, GpkgChunkConverterTest.id(c), c,
                    options(OnInvalid.SKIP), new CountingContext());
            features += r.features();
            skipped += r.issues().skippedCount();
        }
        assertThat(features).isEqualTo(1_996);
        assertThat(skipped).isEqualTo(4);
        assertThat(Outputs.query(out, "SELECT count(*) n FROM parcels")).containsExactly(Map.of("n", 1_996));
    }

    /** A pole cannot go to Web Mercator: the file fails, unless skip leaves that feature out. */
    @Test
    void aGeometryOutsideTheTargetDomainFailsTheFileOrIsSkipped(@TempDir Path dir) throws Exception {
        GpkgFixture f = GpkgFixture.create(dir.resolve("poles.gpkg"))
                .layer("pts", "fid", "geom", "POINT", 0, 0, 4326, "name TEXT");
        f.row("pts", 4326, 1L, "POINT (8 47)", "zurich");
        f.row("pts", 4326, 2L, "POINT (180 -90)", "south pole");
        f.row("pts", 4326, 3L, "POINT (9 48)", "ulm");
        Path in = f.write();
        AssetFailure failed = catchThrowableOfType(AssetFailure.class, () -> GpkgConverter.convert(in,
                dir.resolve("out.gpkg"), options(OnInvalid.FAIL), new CountingContext()));
        assertThat(failed.errorClass()).isEqualTo(ErrorClass.GEOMETRY);
        assertThat(failed).hasMessageStartingWith(in + ": layer 'pts', fid 2: cannot transform to EPSG:3857")
                .hasMessageEndingWith("; --on-invalid skip leaves such features out");
        Path out = dir.resolve("skipped.gpkg");
        GpkgConverter.Result r = GpkgConverter.convert(in, out, options(OnInvalid.SKIP), new CountingContext());
        assertThat(r.features()).isEqualTo(2);
        assertThat(r.issues().list()).extracting(FeatureIssue::message).singleElement().asString()
                .startsWith(in + ": layer 'pts', fid 2: cannot transform to EPSG:3857");
    }
}
