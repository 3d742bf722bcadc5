package dev.cairn.geo.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.FeatureIssue;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.fgb.FlatGeobufProvider;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.GpkgProvider;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.sample.LayerSpec;
import dev.cairn.geo.sample.SampleData;
import dev.cairn.geo.shp.ShapefileProvider;
import dev.cairn.geo.testing.CountingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Chunked FlatGeobuf output through part files ({@link PartChunkConverter}): the same bytes as the
 * unchunked conversion whatever the input (GeoPackage fid chunks, Shapefile and FlatGeobuf
 * position chunks) and whatever order the chunks run in, the same feature issues, and each crash
 * case of the protocol (left by hand as the kill would leave it) ends with that same file and
 * nothing hidden left beside it.
 */
class PartChunkConverterTest {
    private static final String TO = "EPSG:4326";
    private static final int CHUNK = 700;
    private static final FormatProvider FGB = new FlatGeobufProvider();
    private static final FormatProvider GPKG = new GpkgProvider();

    @TempDir
    static Path dir;
    static Path gpkg;
    static byte[] gpkgUnchunked;

    @BeforeAll
    static void inputAndUnchunkedOutput() throws Exception {
        gpkg = dir.resolve("in").resolve("parcels.gpkg");
        SampleData.writeGpkg(gpkg, List.of(new LayerSpec("parcels", GeometryKind.POLYGON, 32632, 3_000)), 11L);
        gpkgUnchunked = unchunked(gpkg, GPKG, null);
    }

    @Test
    void geoPackageFidChunksGiveTheUnchunkedFileByteForByteInAnyOrder() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("gpkg-any-order"), null);
        assertThat(run.chunks).hasSize(5).allSatisfy(c -> assertThat(c.byPosition()).isFalse());
        List<ChunkSpec> order = new ArrayList<>(run.chunks);
        Collections.shuffle(order, new Random(3));
        long features = 0;
        int published = 0;
        for (ChunkSpec c : order) {
            assertThat(run.output).as("no output before the last part").doesNotExist();
            Outcome o = run.process(c);
            features += o.items();
            published += o.checksum() != null ? 1 : 0;
        }
        assertThat(features).isEqualTo(3_000);
        assertThat(published).isEqualTo(1);
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
        assertThat(run.hidden()).isEmpty();
    }

    @Test
    void shapefileAndFlatGeobufPositionChunksGiveTheUnchunkedFileByteForByte() throws Exception {
        for (FormatProvider format : List.of(new ShapefileProvider(), FGB)) {
            Path in = dir.resolve("pos-" + format.name()).resolve("parcels" + format.extensions().get(0));
            Files.createDirectories(in.getParent());
            FeatureConverter.convert(gpkg, GPKG, in, format, new FeatureConverter.Options("EPSG:32632", null, 0),
                    new CountingContext());
            byte[] expected = unchunked(in, format, null);
            Run run = new Run(in, format, dir.resolve("pos-out-" + format.name()), null);
            assertThat(run.chunks).as(format.name()).hasSize(5).allSatisfy(c -> assertThat(c.byPosition()).isTrue());
            run.all();
            assertThat(Files.readAllBytes(run.output)).as(format.name()).isEqualTo(expected);
            assertThat(run.hidden()).isEmpty();
        }
    }

    @Test
    void invalidGeometriesAreSkippedOrKeptWithTheIssuesOfTheUnchunkedRun() throws Exception {
        Path in = dir.resolve("bowties").resolve("bowties.fgb");
        writeWithBowties(in, 2_000, 97);
        for (GeometryPolicy.OnInvalid policy : List.of(GeometryPolicy.OnInvalid.SKIP, GeometryPolicy.OnInvalid.WARN)) {
            List<FeatureIssue> expectedIssues = new ArrayList<>();
            byte[] expected = unchunked(in, FGB, policy, expectedIssues);
            Run run = new Run(in, FGB, dir.resolve("bowties-" + policy), policy);
            List<FeatureIssue> issues = new ArrayList<>();
            long skipped = 0;
            for (ChunkSpec c : run.chunks) {
                Outcome o = run.process(c);
                issues.addAll(o.issues());
                skipped += o.skipped();
            }
            assertThat(expectedIssues).as("issues of the unchunked run").hasSize(2_000 / 97 + 1);
            assertThat(issues).isEqualTo(expectedIssues);
            assertThat(skipped).isEqualTo(policy == GeometryPolicy.OnInvalid.SKIP ? expectedIssues.size() : 0);
            assertThat(Files.readAllBytes(run.output)).isEqualTo(expected);
        }
    }

    @Test
    void killedBeforeThePartsRenameTheRedoneChunkWritesItsOwnAndTheTempGoesAtPublication() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("crash-before-rename"), null);
        Path deadTemp = run.part(2).resolveSibling(run.part(2).getFileName() + ".1-dead.tmp");
        Files.write(deadTemp, new byte[] {1, 2, 3}); // half a part, as a kill leaves it
        run.all();
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
        assertThat(run.hidden()).isEmpty();
    }

    @Test
    void killedAfterThePartsRenameBeforeTheCheckpointTheRedoneChunkRewritesTheSameBytes() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("crash-after-rename"), null);
        run.process(run.chunks.get(1));
        byte[] first = Files.readAllBytes(run.part(1));
        Outcome redone = run.process(run.chunks.get(1)); // the checkpoint never heard of the first attempt
        assertThat(redone.items()).isEqualTo(CHUNK);
        assertThat(Files.readAllBytes(run.part(1))).isEqualTo(first);
        run.all();
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
        assertThat(run.hidden()).isEmpty();
    }

    @Test
    void killedDuringAssemblyTheRedoneChunkAssemblesAgainAndRemovesTheDeadTemp() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("crash-assembly"), null);
        for (ChunkSpec c : run.chunks.subList(0, 4)) {
            run.process(c);
        }
        // The last chunk committed its part, wrote the mark and died writing its temp output.
        Path deadOutput = run.output.resolveSibling("." + run.output.getFileName() + ".5002.cairn-tmp");
        Files.write(deadOutput, new byte[] {0x66, 0x67, 0x62});
        PublishedMarkers.mark(run.mark(), run.output);
        Outcome redone = run.process(run.chunks.get(4));
        assertThat(redone.checksum()).isNotNull();
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
        assertThat(run.hidden()).isEmpty();
    }

    @Test
    void killedAfterPublicationBeforeThePartsWentTheRedoneChunkIsDoneOrPublishesTheSameBytes() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("crash-after-publish"), null);
        for (ChunkSpec c : run.chunks.subList(0, 4)) {
            run.process(c);
        }
        Path saved = Files.createDirectories(dir.resolve("saved-parts"));
        for (int k = 0; k < 4; k++) {
            Files.copy(run.part(k), saved.resolve("p" + k), StandardCopyOption.REPLACE_EXISTING);
        }
        run.process(run.chunks.get(4));
        String checksum = dev.cairn.engine.AtomicFiles.checksum(run.output);

        // Some parts deleted, some not: the redone chunk is done and deletes the rest, writing no part.
        Files.copy(saved.resolve("p0"), run.part(0));
        Files.copy(saved.resolve("p3"), run.part(3));
        Outcome redone = run.process(run.chunks.get(2));
        assertThat(redone.checksum()).isEqualTo(checksum);
        assertThat(redone.items()).as("the chunk's planned features").isEqualTo(CHUNK);
        assertThat(run.hidden()).isEmpty();

        // No part deleted yet: the redone last chunk assembles and publishes the same file again.
        for (int k = 0; k < 4; k++) {
            Files.copy(saved.resolve("p" + k), run.part(k));
        }
        run.process(run.chunks.get(4));
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
        assertThat(run.hidden()).isEmpty();
    }

    @Test
    void aChunkRunAfterPublicationStartsNoNewStaging() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("after-publication"), null);
        run.all();
        for (ChunkSpec c : run.chunks) {
            Outcome late = run.process(c); // e.g. a lease expired and another process took the claim
            assertThat(late.checksum()).isEqualTo(dev.cairn.engine.AtomicFiles.checksum(run.output));
        }
        assertThat(run.hidden()).isEmpty();
        assertThat(Files.readAllBytes(run.output)).isEqualTo(gpkgUnchunked);
    }

    @Test
    void aDamagedPartIsRefusedNamingItAndTheWayOut() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("damaged"), null);
        for (ChunkSpec c : run.chunks.subList(0, 4)) {
            run.process(c);
        }
        byte[] bytes = Files.readAllBytes(run.part(1));
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(run.part(1), bytes);
        assertThatThrownBy(() -> run.process(run.chunks.get(4))).isInstanceOfSatisfying(AssetFailure.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.INTERNAL);
            assertThat(f.getMessage()).contains(run.part(1).getFileName().toString()).contains("checksum")
                    .contains("reset --all");
        });
        assertThat(run.output).doesNotExist();
        assertThat(run.hidden()).noneMatch(n -> n.contains("cairn-tmp"));
    }

    @Test
    void partsAreStagingFilesOfTheirOutputForTheCleanUps() throws Exception {
        Run run = new Run(gpkg, GPKG, dir.resolve("names"), null);
        Path part = run.part(3);
        assertThat(dev.cairn.engine.AtomicFiles.isStaging(part)).isTrue();
        assertThat(dev.cairn.engine.AtomicFiles.isTemp(part)).isFalse();
        assertThat(dev.cairn.engine.AtomicFiles.outputOfStaging(part)).contains(run.output);
        Path temp = part.resolveSibling(part.getFileName() + ".2-ab.tmp");
        assertThat(dev.cairn.engine.AtomicFiles.outputOfStaging(temp)).contains(run.output);
        // parts of another plan of the same output go with the next publication
        Path stale = run.output.resolveSibling("." + run.output.getFileName() + ".0badc0de.cairn-stage.part-0");
        Files.createDirectories(stale.getParent());
        Files.write(stale, new byte[] {1});
        run.all();
        assertThat(stale).doesNotExist();
        assertThat(run.hidden()).isEmpty();
    }

    /** One chunked conversion of {@code input} into FlatGeobuf in {@code outDir}, chunk by chunk. */
    private static final class Run {
        final Path input;
        final Path output;
        final Path outDir;
        final List<ChunkSpec> chunks;
        final ChunkProcessor processor;
        final long size;
        final long mtime;

        Run(Path input, FormatProvider format, Path outDir, GeometryPolicy.OnInvalid policy) throws IOException {
            this.input = input;
            this.outDir = Files.createDirectories(outDir);
            String stem = input.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            this.output = outDir.resolve(stem + ".fgb");
            this.size = Files.size(input);
            this.mtime = Files.getLastModifiedTime(input).toMillis();
            this.chunks = ChunkPlanner.plan(input, format, CHUNK, null, "fingerprint", output.getFileName().toString(),
                    size, mtime);
            this.processor = new ChunkProcessor(new FeatureConverter.Options(TO, null, null, policy, 0), FGB, outDir,
                    p -> format);
        }

        Outcome process(ChunkSpec c) throws Exception {
            Asset asset = new Asset(ChunkPlanner.chunkId(output.getFileName().toString(), c), input.toString(),
                    c.toPart(), output.toString(), size, mtime);
            return processor.process(asset, input, output, new CountingContext());
        }

        void all() throws Exception {
            for (ChunkSpec c : chunks) {
                process(c);
            }
        }

        Path part(int k) {
            return PartChunkConverter.partsOf(output, chunks.get(0)).get(k);
        }

        Path mark() {
            return PublishedMarkers.marker(outDir, chunks.get(0).planKey());
        }

        /** Hidden files beside the output (temp outputs, parts, temp parts). */
        List<String> hidden() throws IOException {
            try (Stream<Path> files = Files.list(outDir)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".cairn"))
                        .toList();
            }
        }
    }

    private static byte[] unchunked(Path input, FormatProvider format, GeometryPolicy.OnInvalid policy) throws Exception {
        return unchunked(input, format, policy, new ArrayList<>());
    }

    private static byte[] unchunked(Path input, FormatProvider format, GeometryPolicy.OnInvalid policy,
            List<FeatureIssue> issues) throws Exception {
        Path out = Files.createTempFile(dir, "unchunked", ".fgb");
        FeatureConverter.Result r = FeatureConverter.convert(input, format, out, FGB,
                new FeatureConverter.Options(TO, null, null, policy, 0), new CountingContext());
        issues.addAll(r.issues().list());
        return Files.readAllBytes(out);
    }

    /** A FlatGeobuf of {@code n} squares in EPSG:32632, every {@code every}-th one a bow-tie (self-intersecting). */
    private static void writeWithBowties(Path file, int n, int every) throws Exception {
        Files.createDirectories(file.getParent());
        GeometryFactory gf = new GeometryFactory();
        LayerDef layer = new LayerDef("bowties", GeometryKind.POLYGON, false, false, CrsResolver.forCode("EPSG:32632"),
                "EPSG:32632", List.of(new FieldDef("n", FieldType.LONG, 0, 0)), n);
        try (FeatureSink sink = FGB.create(file)) {
            sink.beginLayer(layer);
            for (int i = 0; i < n; i++) {
                double x = 450_000 + (i % 50) * 100;
                double y = 5_200_000 + (i / 50) * 100;
                Coordinate[] ring = i % every == 0
                        ? new Coordinate[] {c(x, y), c(x + 50, y + 50), c(x + 50, y), c(x, y + 50), c(x, y)}
                        : new Coordinate[] {c(x, y), c(x + 50, y), c(x + 50, y + 50), c(x, y + 50), c(x, y)};
                sink.write(new Feature(i, gf.createPolygon(ring), new Object[] {(long) i}));
            }
            sink.endLayer();
            sink.finish();
        }
    }

    private static Coordinate c(double x, double y) {
        return new Coordinate(x, y);
    }
}
