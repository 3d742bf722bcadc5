package dev.cairn.geo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.fuzz.FuzzRun;
import dev.cairn.engine.fuzz.Mutator;
import dev.cairn.engine.fuzz.Mutator.Field;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;

/**
 * Mutated GeoPackage, Shapefile (.shp, .shx, .dbf, .prj), GeoJSON and FlatGeobuf files, read the
 * way {@code cairn convert} reads an input (format detection by content, open, every layer's
 * feature count estimate, every feature of every layer, and a chunk's range), each end within a
 * time bound either normally or with a classified {@link AssetFailure} whose one-line message names
 * the file: never a hang, an OutOfMemoryError, a StackOverflowError or an unclassified runtime
 * exception. Each good file is written by cairn's own writer; {@link Mutator} damages it: bit
 * flips, byte runs, truncations, and the format's declared counts, sizes and offsets made huge or
 * pointed back at themselves. Seeded: a finding names the seed and case that reproduce it.
 *
 * <p>{@link FuzzRun#cases()} cases per format: 300 in the normal build, 5000 with {@code -Pheavy}
 * ({@code -Dcairn.fuzz.cases=N} for any other number).
 */
class FuzzedVectorInputsTest {
    private static final long SEED = 20261207L;
    private static final GeometryFactory GF = new GeometryFactory();

    @TempDir
    Path dir;

    @Test
    void mutatedGeoPackagesEndAsDoneOrAFormatFailure() throws Exception {
        Path good = writeGood("gpkg", dir.resolve("good.gpkg"));
        byte[] bytes = Files.readAllBytes(good);
        check(fuzz("gpkg", bytes, gpkgFields(bytes), false, "gpkg"));
    }

    @Test
    void mutatedGeoJsonEndsAsDoneOrAFormatFailure() throws Exception {
        Path good = writeGood("geojson", dir.resolve("good.geojson"));
        check(fuzz("geojson", Files.readAllBytes(good), List.of(), true, "geojson"));
    }

    @Test
    void mutatedGeoJsonSeqEndsAsDoneOrAFormatFailure() throws Exception {
        Path good = writeGood("geojsonseq", dir.resolve("good.geojsonl"));
        check(fuzz("geojsonseq", Files.readAllBytes(good), List.of(), true, "geojsonl"));
    }

    @Test
    void mutatedFlatGeobufsEndAsDoneOrAFormatFailure() throws Exception {
        Path good = writeGood("fgb", dir.resolve("good.fgb"));
        byte[] bytes = Files.readAllBytes(good);
        check(fuzz("fgb", bytes, fgbFields(bytes), false, "fgb"));
    }

    @Test
    void mutatedShapefilesEndAsDoneOrAFormatFailure() throws Exception {
        Path goodDir = Files.createDirectories(dir.resolve("good"));
        writeGood("shp", goodDir.resolve("good.shp"));
        String[] parts = {"shp", "shx", "dbf", "prj"};
        byte[][] good = new byte[parts.length][];
        List<List<Field>> fields = new ArrayList<>();
        for (int p = 0; p < parts.length; p++) {
            good[p] = Files.readAllBytes(goodDir.resolve("good." + parts[p]));
        }
        fields.add(shpFields(good[0]));
        fields.add(shxFields(good[1]));
        fields.add(dbfFields(good[2]));
        fields.add(List.of());
        Mutator m = new Mutator(SEED);
        Path caseDir = Files.createDirectories(dir.resolve("cases"));
        FuzzRun.Report report = FuzzRun.run("shp", SEED, FuzzRun.cases(), i -> {
            int p = i % parts.length;
            Mutator.Mutation mu = m.mutate(i, good[p], fields.get(p), p == 3);
            for (int q = 0; q < parts.length; q++) {
                Files.write(caseDir.resolve("in." + parts[q]), q == p ? mu.bytes() : good[q]);
            }
            return new FuzzRun.CaseFile(caseDir.resolve("in.shp"), "." + parts[p] + ": " + mu.description());
        }, FuzzedVectorInputsTest::readAsConvertDoes, FuzzedVectorInputsTest::problem);
        check(report);
    }

    private FuzzRun.Report fuzz(String format, byte[] good, List<Field> fields, boolean text, String ext)
            throws Exception {
        Path caseDir = Files.createDirectories(dir.resolve("cases-" + format));
        return FuzzRun.run(format, SEED, FuzzRun.cases(), FuzzRun.mutants(new Mutator(SEED), good, fields, text, caseDir, ext),
                FuzzedVectorInputsTest::readAsConvertDoes, FuzzedVectorInputsTest::problem);
    }

    private static void check(FuzzRun.Report report) {
        System.out.println("fuzz " + report.summary());
        assertThat(report.findings()).as(report.summary()).isEmpty();
        assertThat(report.cases()).isEqualTo(FuzzRun.cases());
    }

    /** What the convert job does with an input: detect, open, estimate, read every layer, and a chunk's range. */
    static void readAsConvertDoes(Path file) throws Exception {
        FormatProvider format = ConvertProcessor.inputFormat(file);
        format.estimateFeatures(file);
        try (FeatureSource source = format.open(file)) {
            List<LayerDef> layers = source.layers();
            for (int i = 0; i < layers.size(); i++) {
                source.extent(i);
                drain(source.cursor(i, 0, -1));
                if (format.seekable()) {
                    drain(source.cursor(i, 3, 5));
                }
            }
        }
    }

    private static void drain(FeatureCursor cursor) throws AssetFailure {
        try (cursor) {
            while (cursor.next() != null) {
                // every feature decoded, none kept
            }
        }
    }

    /** A classified failure is an AssetFailure, not internal, naming the file on one line. */
    static String problem(Throwable e, Path file) {
        if (!(e instanceof AssetFailure f)) {
            return "unclassified";
        }
        if (f.errorClass() == ErrorClass.INTERNAL) {
            return "internal";
        }
        String msg = String.valueOf(f.getMessage());
        String stem = file.getFileName().toString();
        stem = stem.substring(0, stem.lastIndexOf('.'));
        if (!msg.contains(stem)) {
            return "message without the file's name:";
        }
        if (msg.contains("\n")) {
            return "message on several lines:";
        }
        if (f.isTransient()) {
            return "transient (a damaged file would be retried):";
        }
        return null;
    }

    // ---- minimised reproducers of what the loops found, one per bug ----

    @Test
    void aFlatGeobufGeometryDeclaringMoreCoordinatesThanItsFeatureHoldsIsAFormatErrorNotAnOutOfMemory()
            throws Exception {
        Path file = writeGood("fgb", dir.resolve("huge-xy.fgb"));
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // a MultiPolygon's polygons are its parts: Feature.geometry -> Geometry.parts[0] -> Geometry.xy
        int parts = vectorLength(buf, table(buf, table(buf, feature0(b)), 0), 7);
        int polygon = parts + 4 + buf.getInt(parts + 4);
        int xyLength = vectorLength(buf, polygon, 1);
        assertThat(buf.getInt(xyLength)).as("the first polygon's xy values").isEqualTo(2 * (5 + 4));
        buf.putInt(xyLength, Integer.MAX_VALUE); // 2^31 doubles: 16 GiB asked of a 100-byte feature
        Files.write(file, b);
        assertFormatFailure(file, "feature 0 does not decode", "xy values");
    }

    @Test
    void theFuzzCaseWhoseFlatGeobufRanOutOfMemoryIsAFormatError() throws Exception {
        // seed 20261207 case 1597: "10 bytes at 1566 set to 0xFF, truncated at 11257, 5 bit flips": a
        // vector length of feature 0's geometry became 0xFFFFFFxx and the library allocated it
        Path good = writeGood("fgb", dir.resolve("good.fgb"));
        byte[] bytes = Files.readAllBytes(good);
        Mutator.Mutation m = new Mutator(SEED).mutate(1597, bytes, fgbFields(bytes), false);
        assertThat(m.description()).isEqualTo("10 bytes at 1566 set to 0xFF, truncated at 11257, 5 bit flips");
        Path file = dir.resolve("oom.fgb");
        Files.write(file, m.bytes());
        assertFormatFailure(file, "does not decode");
    }

    @Test
    void aFlatGeobufHeaderWhoseCrsOffsetPointsOutsideTheHeaderIsAFormatErrorNotAnIndexOutOfBounds() throws Exception {
        Path file = writeGood("fgb", dir.resolve("bad-crs.fgb"));
        byte[] b = Files.readAllBytes(file);
        Field crs = fgbFields(b).stream().filter(f -> f.name().equals("crs offset")).findFirst().orElseThrow();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(crs.offset(), 0x4000_0000);
        Files.write(file, b);
        assertFormatFailure(file, "corrupt header");
    }

    @Test
    void aFlatGeobufHeaderWithANegativeColumnCountIsAFormatErrorNotANegativeArraySize() throws Exception {
        Path file = writeGood("fgb", dir.resolve("columns.fgb"));
        byte[] b = Files.readAllBytes(file);
        Field columns = fgbFields(b).stream().filter(f -> f.name().equals("columns length")).findFirst().orElseThrow();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(columns.offset(), -1);
        Files.write(file, b);
        assertFormatFailure(file, "corrupt header");
    }

    @Test
    void aFlatGeobufWithAGeometryTypeCodeBeyondTheSpecIsAFormatErrorNotAnIndexOutOfBounds() throws Exception {
        Path file = writeGood("fgb", dir.resolve("type.fgb"));
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int header = 12 + buf.getInt(12);
        b[header + (buf.getShort(header - buf.getInt(header) + 4 + 2 * 2) & 0xFFFF)] = (byte) 200; // geometry_type
        Files.write(file, b);
        assertFormatFailure(file, "geometry type code 200");
    }

    @Test
    void aShapefileRingWhoseFirstPointIsNaNIsAFormatErrorNotAnIllegalArgumentException() throws Exception {
        Path shp = writeGood("shp", Files.createDirectories(dir.resolve("nan")).resolve("nan.shp"));
        byte[] b = Files.readAllBytes(shp);
        // record 0: header (8), shape type (4), box (32), part and point counts (8), one part start (4 per part)
        int parts = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(100 + 8 + 36);
        java.util.Arrays.fill(b, 100 + 8 + 44 + 4 * parts, 100 + 8 + 44 + 4 * parts + 8, (byte) 0xFF); // x = NaN
        Files.write(shp, b);
        assertFormatFailure(shp, "does not close");
    }

    @Test
    void aGeoJsonSeqFileThatLooksLikeUtf32AndIsNotIsAFormatErrorNotARetriedIoError() throws Exception {
        // seed 20261207 case 3207 of the GeoJSONSeq loop, minimised: a NUL at byte 1 makes Jackson
        // read the file as UTF-32, whose first "character" is then above U+10FFFF
        Path file = dir.resolve("utf32.geojsonl");
        Files.write(file, new byte[] {0, 0, 0, '{', 'a', 'd', 'F', 0, 0, 0, '}', '\n'});
        org.assertj.core.api.Assertions.assertThatExceptionOfType(AssetFailure.class)
                .isThrownBy(() -> ConvertPlanner.FORMATS.forName("geojsonseq").orElseThrow().open(file).layers())
                .satisfies(e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(file.toString()).contains("not valid Unicode");
                });
    }

    @Test
    void aFlatGeobufRingEndingBeyondItsCoordinatesIsAFormatErrorNotAnEndlessCopy() {
        // seed 20261207 case 4453 of the FlatGeobuf loop ("5 bit flips"): feature 4's first ring
        // end became 1073741829 of 9 coordinates, and the library copied coordinates for minutes
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            Path good = writeGood("fgb", dir.resolve("good.fgb"));
            byte[] bytes = Files.readAllBytes(good);
            Mutator.Mutation m = new Mutator(SEED).mutate(4453, bytes, fgbFields(bytes), false);
            assertThat(m.description()).isEqualTo("5 bit flips");
            Path file = dir.resolve("ring-end.fgb");
            Files.write(file, m.bytes());
            assertFormatFailure(file, "feature 4 does not decode", "ends at coordinate 1073741829");
        });
    }

    private static void assertFormatFailure(Path file, String... fragments) {
        org.assertj.core.api.Assertions.assertThatExceptionOfType(AssetFailure.class)
                .isThrownBy(() -> readAsConvertDoes(file))
                .satisfies(e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.FORMAT);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    /** The position of feature 0's FlatBuffers table (after its size prefix). */
    private static int feature0(byte[] b) {
        Field first = fgbFields(b).stream().filter(f -> f.name().equals("feature 0 size")).findFirst().orElseThrow();
        return first.offset() + 4;
    }

    /** The table that field {@code field} of the table at {@code table} refers to; the root table for field -1. */
    private static int table(ByteBuffer b, int table, int field) {
        if (field < 0) {
            return table + b.getInt(table);
        }
        int at = table + (b.getShort(table - b.getInt(table) + 4 + 2 * field) & 0xFFFF);
        return at + b.getInt(at);
    }

    private static int table(ByteBuffer b, int root) {
        return table(b, root, -1);
    }

    /** The position of the length of vector field {@code field} of the table at {@code table}. */
    private static int vectorLength(ByteBuffer b, int table, int field) {
        int at = table + (b.getShort(table - b.getInt(table) + 4 + 2 * field) & 0xFFFF);
        return at + b.getInt(at);
    }

    // ---- good files, written by cairn's writers ----

    static Path writeGood(String formatName, Path file) throws Exception {
        FormatProvider p = ConvertPlanner.FORMATS.forName(formatName).orElseThrow();
        List<FieldDef> fields = List.of(FieldDef.of("name", FieldType.STRING), FieldDef.of("n", FieldType.INTEGER),
                FieldDef.of("v", FieldType.DOUBLE), FieldDef.of("day", FieldType.DATE));
        LayerDef def = new LayerDef("places", GeometryKind.MULTIPOLYGON, false, false,
                CrsResolver.forCode("EPSG:4326"), "EPSG:4326", fields, -1);
        Random r = new Random(7);
        try (FeatureSink sink = p.create(file)) {
            sink.beginLayer(def);
            for (int i = 0; i < 24; i++) {
                double x = r.nextInt(300) - 150 + r.nextInt(1000) / 1000.0;
                double y = r.nextInt(140) - 70 + r.nextInt(1000) / 1000.0;
                Geometry g = GF.createMultiPolygon(new Polygon[] {square(x, y, 1, true), square(x + 2, y, 0.5, false)});
                sink.write(new Feature(i, g, new Object[] {"name " + i, (long) i * 7, i / 3.0,
                    LocalDate.of(2000 + i, 1 + i % 12, 1 + i)}));
            }
            sink.endLayer();
            sink.finish();
        }
        return file;
    }

    private static Polygon square(double x, double y, double s, boolean hole) {
        LinearRing shell = GF.createLinearRing(new Coordinate[] {new Coordinate(x, y), new Coordinate(x + s, y),
            new Coordinate(x + s, y + s), new Coordinate(x, y + s), new Coordinate(x, y)});
        if (!hole) {
            return GF.createPolygon(shell);
        }
        double h = s / 4;
        LinearRing in = GF.createLinearRing(new Coordinate[] {new Coordinate(x + h, y + h),
            new Coordinate(x + h, y + 2 * h), new Coordinate(x + 2 * h, y + 2 * h), new Coordinate(x + h, y + h)});
        return GF.createPolygon(shell, new LinearRing[] {in});
    }

    // ---- the declared counts, sizes and offsets of each format ----

    /** SQLite: page size, page count, freelist; each page's b-tree header (cell count, right-most child). */
    static List<Field> gpkgFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.be("page size", 16, 2));
        f.add(Field.be("page count", 28, 4));
        f.add(Field.be("freelist trunk", 32, 4));
        f.add(Field.be("freelist count", 36, 4));
        int pageSize = ((b[16] & 0xFF) << 8) | (b[17] & 0xFF);
        if (pageSize == 1) {
            pageSize = 65536;
        }
        for (int page = 0; (long) page * pageSize < b.length; page++) {
            int h = page == 0 ? 100 : page * pageSize;
            f.add(Field.be("page " + (page + 1) + " first freeblock", h + 1, 2));
            f.add(Field.be("page " + (page + 1) + " cell count", h + 3, 2));
            f.add(Field.be("page " + (page + 1) + " cell content start", h + 5, 2));
            f.add(Field.be("page " + (page + 1) + " right-most child", h + 8, 4));
            f.add(Field.be("page " + (page + 1) + " first cell pointer", h + 12, 2));
        }
        return f;
    }

    /** .shp: file length (16-bit words), shape type, each record's number and content length, part/point counts. */
    static List<Field> shpFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.be("file length", 24, 4));
        f.add(Field.le("shape type", 32, 4));
        ByteBuffer buf = ByteBuffer.wrap(b);
        int at = 100;
        for (int rec = 0; at + 8 <= b.length && rec < 30; rec++) {
            int len = buf.order(ByteOrder.BIG_ENDIAN).getInt(at + 4) * 2;
            f.add(Field.be("record " + rec + " number", at, 4));
            f.add(Field.be("record " + rec + " content length", at + 4, 4));
            f.add(Field.le("record " + rec + " shape type", at + 8, 4));
            f.add(Field.le("record " + rec + " part count", at + 8 + 36, 4));
            f.add(Field.le("record " + rec + " point count", at + 8 + 40, 4));
            f.add(Field.le("record " + rec + " first part start", at + 8 + 44, 4));
            at += 8 + len;
        }
        return f;
    }

    /** .shx: file length, and each record's offset and length. */
    static List<Field> shxFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.be("shx file length", 24, 4));
        for (int rec = 0; 100 + rec * 8 + 8 <= b.length; rec++) {
            f.add(Field.be("shx record " + rec + " offset", 100 + rec * 8, 4));
            f.add(Field.be("shx record " + rec + " length", 100 + rec * 8 + 4, 4));
        }
        return f;
    }

    /** .dbf: record count, header length, record length, each field's length and decimal count. */
    static List<Field> dbfFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.le("dbf record count", 4, 4));
        f.add(Field.le("dbf header length", 8, 2));
        f.add(Field.le("dbf record length", 10, 2));
        for (int i = 0; 32 + i * 32 + 32 <= b.length && b[32 + i * 32] != 0x0D; i++) {
            f.add(new Field("dbf field " + i + " length", 32 + i * 32 + 16, 1, ByteOrder.LITTLE_ENDIAN));
            f.add(new Field("dbf field " + i + " decimals", 32 + i * 32 + 17, 1, ByteOrder.LITTLE_ENDIAN));
        }
        return f;
    }

    /**
     * FlatGeobuf: the header's size, its FlatBuffers root offset and vtable fields (features_count,
     * index_node_size, the offsets of name, columns and crs), and each feature's size prefix.
     */
    static List<Field> fgbFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        f.add(Field.le("header size", 8, 4));
        f.add(Field.le("root table offset", 12, 4));
        int headerSize = buf.getInt(8);
        int table = 12 + buf.getInt(12);
        int vtable = table - buf.getInt(table);
        f.add(Field.le("vtable offset", table, 4));
        f.add(Field.le("vtable size", vtable, 2));
        int vsize = buf.getShort(vtable) & 0xFFFF;
        String[] names = {"name", "envelope", "geometry_type", "has_z", "has_m", "has_t", "has_tm", "columns",
            "features_count", "index_node_size", "crs"};
        long count = 0;
        int nodeSize = 16;
        for (int i = 0; i < names.length && 4 + 2 * i < vsize; i++) {
            int off = buf.getShort(vtable + 4 + 2 * i) & 0xFFFF;
            if (off == 0) {
                continue;
            }
            int at = table + off;
            switch (names[i]) {
                case "features_count" -> {
                    f.add(Field.le("features_count", at, 8));
                    count = buf.getLong(at);
                }
                case "index_node_size" -> {
                    f.add(Field.le("index_node_size", at, 2));
                    nodeSize = buf.getShort(at) & 0xFFFF;
                }
                case "name", "columns", "crs", "envelope" -> {
                    f.add(Field.le(names[i] + " offset", at, 4));
                    int target = at + buf.getInt(at);
                    if (target + 4 <= b.length) {
                        f.add(Field.le(names[i] + " length", target, 4));
                    }
                }
                default -> {
                }
            }
        }
        long index = 0;
        if (nodeSize >= 2 && count > 0) {
            long n = count;
            long nodes = n;
            while (n != 1) {
                n = (n + nodeSize - 1) / nodeSize;
                nodes += n;
            }
            index = nodes * 40;
        }
        long at = 12L + headerSize + index;
        for (int i = 0; at + 4 <= b.length && i < 30; i++) {
            f.add(Field.le("feature " + i + " size", (int) at, 4));
            at += 4 + (buf.getInt((int) at) & 0xFFFF_FFFFL);
        }
        return f;
    }
}
