package dev.cairn.geo.geojson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Memory stays flat: a child JVM with a 64 MB heap writes a file of about 150 MB (far more than
 * the heap could hold as features), then opens it (schema pass) and streams every feature through
 * a cursor, checking count and content. (The FeatureCollection case: its single root object is
 * what whole-document parsers load at once; sequences share the same streaming code. About 30 s.) The child exits 0 only if all of that worked; an
 * implementation that buffered the collection would die with OutOfMemoryError. Not a timing test.
 */
class GeoJsonMemoryTest {
    static final int FEATURES = 400_000;
    static final List<FieldDef> FIELDS = List.of(FieldDef.of("name", FieldType.STRING), FieldDef.of("n", FieldType.INTEGER),
            FieldDef.of("v", FieldType.DOUBLE));

    @Test
    void aFileMuchLargerThanTheHeapStreamsInA64MbJvm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.geojson");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                GeoJsonMemoryTest.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("read " + FEATURES);
        assertThat(Files.size(file)).as("file size").isGreaterThan(140L << 20);
    }

    /** Child: write, then read back, in whatever heap it was given. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        FormatProvider provider = file.toString().endsWith(".geojson") ? new GeoJsonProvider() : new GeoJsonSeqProvider();
        GeometryFactory gf = new GeometryFactory();
        Random r = new Random(99);
        String padding = "x".repeat(200);
        try (FeatureSink sink = provider.create(file)) {
            sink.beginLayer(new LayerDef("big", dev.cairn.geo.format.GeometryKind.LINESTRING, false, false, null, "EPSG:4326",
                    FIELDS, -1));
            for (int i = 0; i < FEATURES; i++) {
                Coordinate[] line = new Coordinate[4];
                for (int k = 0; k < line.length; k++) {
                    line[k] = new Coordinate(r.nextInt(1_800_000_000) / 5e6 - 180, r.nextInt(1_800_000_000) / 1e7 - 90);
                }
                sink.write(new Feature(i, gf.createLineString(line), new Object[] {padding + i, (long) i, i / 8.0}));
            }
            sink.endLayer();
            sink.finish();
        }
        long count = 0;
        try (FeatureSource source = provider.open(file)) {
            LayerDef def = source.layers().get(0);
            if (def.featureCount() != FEATURES || !def.fields().equals(FIELDS)) {
                throw new AssertionError("schema " + def);
            }
            try (FeatureCursor c = source.cursor(0, 0, -1)) {
                Feature f;
                while ((f = c.next()) != null) {
                    if (f.fid() != count || !(padding + count).equals(f.values()[0]) || f.geometry().getNumPoints() != 4) {
                        throw new AssertionError("feature " + count + " differs: " + f);
                    }
                    count++;
                }
            }
        }
        System.out.println("read " + count + " features, file " + (Files.size(file) >> 20) + " MiB, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }
}
