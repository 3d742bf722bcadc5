package dev.cairn.geo.convert;

import dev.cairn.engine.PlanningException;
import dev.cairn.geo.format.ChunkSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.Asset;
import dev.cairn.geo.format.GeometryKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertPlannerTest {
    @TempDir
    Path dir;

    private ConvertOptions options(Path out, Path... inputs) {
        return new ConvertOptions(List.of(inputs), out, "EPSG:4326", "gpkg", null);
    }

    private Path touch(String rel) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        return p;
    }

    @Test
    void outputsMirrorTheInputTree() throws Exception {
        touch("data/a.gpkg");
        touch("data/sub/b.GPKG");
        touch("data/notes.txt");
        List<Asset> assets = ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("data")));

        assertThat(assets).extracting(Asset::id).containsExactly("a.gpkg", "sub/b.gpkg");
        assertThat(assets.get(1).output()).isEqualTo(dir.resolve("out/sub/b.gpkg").toString());
        assertThat(assets.get(1).input()).isEqualTo(dir.resolve("data/sub/b.GPKG").toString());
        assertThat(assets.get(0).inputSize()).isEqualTo(1);
    }

    @Test
    void linksToFilesAndDirectoriesAreFollowedAndKeyedByTheirPathUnderTheInputRoot() throws Exception {
        Path elsewhere = touch("store/roads.gpkg");
        touch("store/more/rivers.gpkg");
        touch("data/a.gpkg");
        Files.createSymbolicLink(dir.resolve("data/linked.gpkg"), elsewhere);
        Files.createSymbolicLink(dir.resolve("data/more"), dir.resolve("store/more"));
        Files.createSymbolicLink(dir.resolve("data/loop"), dir.resolve("data")); // a link to its own parent
        Files.createSymbolicLink(dir.resolve("data/broken.gpkg"), dir.resolve("store/gone.gpkg"));
        List<Asset> assets = ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("data")));

        assertThat(assets).extracting(Asset::id).containsExactly("a.gpkg", "linked.gpkg", "more/rivers.gpkg");
        assertThat(assets.get(1).input()).isEqualTo(dir.resolve("data/linked.gpkg").toString());
        assertThat(assets.get(1).output()).isEqualTo(dir.resolve("out/linked.gpkg").toString());
        assertThat(assets.get(1).inputSize()).as("the target's size").isEqualTo(1);
        assertThat(assets.get(2).output()).isEqualTo(dir.resolve("out/more/rivers.gpkg").toString());
    }

    @Test
    void hiddenDirectoriesAndTheOutputDirectoryAreNotSearched() throws Exception {
        touch("data/a.gpkg");
        touch("data/.cairn/x.gpkg");
        touch("data/out/a.gpkg");
        touch("data/.hidden.gpkg");
        List<Asset> assets = ConvertPlanner.plan(options(dir.resolve("data/out"), dir.resolve("data")));
        assertThat(assets).extracting(Asset::id).containsExactly("a.gpkg");
    }

    @Test
    void aFileNamedExplicitlyIsTakenWhateverItsExtension() throws Exception {
        Path f = touch("data/roads.sqlite");
        List<Asset> assets = ConvertPlanner.plan(options(dir.resolve("out"), f));
        assertThat(assets).extracting(Asset::id).containsExactly("roads.gpkg");
    }

    @Test
    void twoInputsMappingToOneOutputAreAPlanningError() throws Exception {
        touch("one/a.gpkg");
        touch("two/a.gpkg");
        assertThatThrownBy(() -> ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("one"), dir.resolve("two"))))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("one/a.gpkg").hasMessageContaining("two/a.gpkg").hasMessageContaining("out/a.gpkg");
    }

    @Test
    void noInputFilesIsAPlanningError() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("empty"))))
                .isInstanceOf(PlanningException.class).hasMessageContaining("No vector file");
    }

    @Test
    void aMissingInputIsAPlanningError() {
        assertThatThrownBy(() -> ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("nope"))))
                .isInstanceOf(PlanningException.class).hasMessageContaining("does not exist");
    }

    @Test
    void optionsRoundTripThroughTheStoredSpec() {
        ConvertOptions o = new ConvertOptions(List.of(dir.resolve("a"), dir.resolve("b")), dir.resolve("out"),
                "EPSG:3857", "gpkg", "EPSG:2056");
        ConvertOptions back = ConvertOptions.fromSpec(o.toSpec());
        assertThat(back).isEqualTo(o);
        assertThat(back.toSpec().fingerprint()).isEqualTo(o.toSpec().fingerprint());
    }

    @Test
    void chunkFeaturesIsPartOfTheSpecAndOldSpecsLoadUnchunked() {
        ConvertOptions o = new ConvertOptions(List.of(dir), dir.resolve("out"), "EPSG:4326", "gpkg", null, 1000);
        assertThat(o.toSpec().options()).containsEntry("--chunk-features", "1000");
        assertThat(ConvertOptions.fromSpec(o.toSpec())).isEqualTo(o);
        ConvertOptions off = new ConvertOptions(List.of(dir), dir.resolve("out"), "EPSG:4326", "gpkg", null, 0);
        assertThat(off.toSpec().options()).doesNotContainKey("--chunk-features");
        java.util.Map<String, String> old = new java.util.HashMap<>(o.toSpec().options());
        old.remove("--chunk-features"); // a job recorded before chunking existed
        ConvertOptions loaded = ConvertOptions.fromSpec(new dev.cairn.engine.JobSpec(ConvertOptions.KIND, old));
        assertThat(loaded.chunkFeatures()).isZero();
        assertThat(loaded.toSpec().fingerprint()).isEqualTo(new dev.cairn.engine.JobSpec(ConvertOptions.KIND, old).fingerprint());
    }

    @Test
    void aHugeLayerIsPlannedAsStableChunksOfEveryLayer() throws Exception {
        Path in = dir.resolve("data/huge.gpkg");
        dev.cairn.geo.sample.SampleData.writeGpkg(in, List.of(
                new dev.cairn.geo.sample.LayerSpec("big", GeometryKind.POINT, 4326, 2_500),
                new dev.cairn.geo.sample.LayerSpec("tiny", GeometryKind.POINT, 4326, 30)), 3L);
        ConvertOptions o = new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"), "EPSG:4326", "gpkg", null, 1000);
        List<Asset> assets = ConvertPlanner.plan(o);
        assertThat(assets).extracting(Asset::id).containsExactly("huge.gpkg#big[0]", "huge.gpkg#big[1]", "huge.gpkg#big[2]",
                "huge.gpkg#tiny[0]");
        assertThat(assets).extracting(Asset::output).containsOnly(dir.resolve("out/huge.gpkg").toString());
        assertThat(assets.get(0).part()).startsWith("chunk=0/3;file-chunks=4;fid=[,");
        assertThat(assets.get(2).part()).contains(",);plan=").endsWith(";layer=big");
        assertThat(ConvertPlanner.plan(o)).as("re-planning gives the same assets").isEqualTo(assets);
        ConvertOptions other = new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"), "EPSG:3857", "gpkg", null, 1000);
        assertThat(dev.cairn.geo.format.ChunkSpec.parse(ConvertPlanner.plan(other).get(0).part()).planKey())
                .as("another job never shares a staging file")
                .isNotEqualTo(dev.cairn.geo.format.ChunkSpec.parse(assets.get(0).part()).planKey());
    }

    @Test
    void hugeShapefileFlatGeobufAndGeoJsonInputsArePlannedAsPositionChunks() throws Exception {
        Path gpkg = dir.resolve("src/pts.gpkg");
        dev.cairn.geo.sample.SampleData.writeGpkg(gpkg, List.of(
                new dev.cairn.geo.sample.LayerSpec("pts", GeometryKind.POINT, 4326, 2_500)), 5L);
        var formats = dev.cairn.geo.pipeline.FormatRegistry.load();
        for (String f : List.of("shp", "fgb", "geojson")) {
            Path out = dir.resolve("data/" + f + "_in." + f);
            Files.createDirectories(out.getParent());
            dev.cairn.geo.pipeline.FeatureConverter.convert(gpkg, formats.forName("gpkg").orElseThrow(), out,
                    formats.forName(f).orElseThrow(), "EPSG:4326", null, new dev.cairn.geo.testing.CountingContext());
        }
        ConvertOptions o = new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"), "EPSG:4326", "fgb", null, 1000);
        List<Asset> assets = ConvertPlanner.plan(o);
        assertThat(assets).extracting(Asset::id).containsExactlyInAnyOrder("geojson_in.fgb#geojson_in[0]",
                "geojson_in.fgb#geojson_in[1]", "geojson_in.fgb#geojson_in[2]", "fgb_in.fgb#fgb_in[0]",
                "fgb_in.fgb#fgb_in[1]", "fgb_in.fgb#fgb_in[2]", "shp_in.fgb#shp_in[0]", "shp_in.fgb#shp_in[1]",
                "shp_in.fgb#shp_in[2]");
        Asset first = assets.stream().filter(a -> a.id().equals("shp_in.fgb#shp_in[0]")).findFirst().orElseThrow();
        assertThat(first.part()).startsWith("chunk=0/3;file-chunks=3;position=[0,1000);plan=");
        dev.cairn.geo.format.ChunkSpec last = dev.cairn.geo.format.ChunkSpec.parse(assets.stream()
                .filter(a -> a.id().equals("shp_in.fgb#shp_in[2]")).findFirst().orElseThrow().part());
        assertThat(last.byPosition()).isTrue();
        assertThat(last.fidFrom()).isEqualTo(2000L);
        assertThat(last.fidTo()).as("the last chunk is open-ended").isNull();
        assertThat(dev.cairn.geo.format.ChunkSpec.parse(last.toPart())).isEqualTo(last);
        assertThat(ConvertPlanner.plan(o)).as("re-planning gives the same assets").isEqualTo(assets);
        assertThat(ConvertPlanner.plan(new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"), "EPSG:4326",
                "fgb", null, 5000))).as("no layer above --chunk-features: whole files").hasSize(3);
    }
    @Test
    void anAttributeTableGoingToShapefileIsPlannedAsALoneDbfBesideTheLayersShapefiles() throws Exception {
        dev.cairn.geo.testing.Gdal.require();
        Path only = dir.resolve("data/only.gpkg");
        Path both = dir.resolve("data/both.gpkg");
        writeWithGdal(only, false);
        writeWithGdal(both, true);

        List<Asset> shp = ConvertPlanner.plan(new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"),
                "EPSG:4326", "shp", null));
        assertThat(shp).extracting(Asset::id).containsExactly("both.codes.dbf", "both.towns.shp", "only.dbf");
        assertThat(shp).extracting(Asset::output).containsExactly(dir.resolve("out/both.codes.dbf").toString(),
                dir.resolve("out/both.towns.shp").toString(), dir.resolve("out/only.dbf").toString());
        List<Asset> fgb = ConvertPlanner.plan(new ConvertOptions(List.of(dir.resolve("data")), dir.resolve("out"),
                "EPSG:4326", "fgb", null));
        assertThat(fgb).extracting(Asset::id).containsExactly("both.codes.fgb", "both.towns.fgb", "only.fgb");
        List<Asset> gpkg = ConvertPlanner.plan(options(dir.resolve("out"), dir.resolve("data")));
        assertThat(gpkg).extracting(Asset::id).containsExactly("both.gpkg", "only.gpkg");
    }

    @Test
    void anAttributeTableWhoseDbfWouldBeTheDbfOfAnotherInputsShapefileIsRefusedAtPlanning() throws Exception {
        dev.cairn.geo.testing.Gdal.require();
        writeWithGdal(dir.resolve("clash/b.gpkg"), true);
        dev.cairn.geo.testing.Gdal.run("ogr2ogr", dir.resolve("clash/b.codes.shp").toString(), pointsCsv().toString(),
                "-a_srs", "EPSG:4326", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConvertPlanner.plan(new ConvertOptions(
                List.of(dir.resolve("clash")), dir.resolve("out"), "EPSG:4326", "shp", null)))
                .isInstanceOf(dev.cairn.engine.PlanningException.class)
                .hasMessageContaining(dir.resolve("clash/b.gpkg").toString())
                .hasMessageContaining(dir.resolve("clash/b.codes.shp").toString())
                .hasMessageContaining(dir.resolve("out/b.codes") + ".*");
        assertThat(ConvertPlanner.plan(new ConvertOptions(List.of(dir.resolve("clash")), dir.resolve("out"),
                "EPSG:4326", "gpkg", null))).as("into GeoPackage the table stays inside b.gpkg: no clash")
                .extracting(Asset::id).containsExactly("b.codes.gpkg", "b.gpkg");
    }

    /**
     * Writes {@code gpkg} with ogr2ogr: an attribute table {@code codes} (two rows) and, when
     * {@code withPoints}, a point layer {@code towns} in EPSG:4326.
     */
    private void writeWithGdal(Path gpkg, boolean withPoints) throws Exception {
        Path csv = dir.resolve("codes.csv");
        Files.writeString(csv, "code,label\n1,a\n2,b\n");
        Files.createDirectories(gpkg.getParent());
        dev.cairn.geo.testing.Gdal.run("ogr2ogr", "-f", "GPKG", gpkg.toString(), csv.toString(), "-nln", "codes");
        if (withPoints) {
            dev.cairn.geo.testing.Gdal.run("ogr2ogr", "-update", "-f", "GPKG", gpkg.toString(), pointsCsv().toString(),
                    "-nln", "towns", "-a_srs", "EPSG:4326", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO");
        }
    }

    private Path pointsCsv() throws Exception {
        Path pts = dir.resolve("pts.csv");
        Files.writeString(pts, "WKT,name\n\"POINT (8.5 47.3)\",x\n");
        return pts;
    }
}
