package dev.cairn.geo.shp;

import static dev.cairn.geo.shp.ShpFixture.GF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.CoordinateXY;

class ShpBadInputTest {
    @TempDir
    Path dir;
    Path shp;

    @BeforeEach
    void writeAGoodFile() throws Exception {
        shp = dir.resolve("good.shp");
        ShpFixture fx = new ShpFixture(99, false, false);
        List<Feature> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(new Feature(i, fx.polygon(i * 10, 0, 1), new Object[] {"row " + i}));
        }
        ShpFixture.write(shp, ShpFixture.layer("good", GeometryKind.MULTIPOLYGON, false, false,
                List.of(FieldDef.of("name", FieldType.STRING))), in);
    }

    private ThrowableAssertAlternative<AssetFailure> failsReading(ErrorClass expected, String fileName) {
        return org.assertj.core.api.Assertions.assertThatExceptionOfType(AssetFailure.class)
                .isThrownBy(() -> ShpFixture.read(shp))
                .satisfies(e -> {
                    assertThat(e.errorClass()).isEqualTo(expected);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(fileName).doesNotContain("\n");
                });
    }

    @Test
    void missingShxIsAFormatFailureNamingTheShx() throws Exception {
        Files.delete(dir.resolve("good.shx"));
        failsReading(ErrorClass.FORMAT, "good.shx").withMessageContaining("missing");
    }

    @Test
    void missingDbfIsAFormatFailureNamingTheDbf() throws Exception {
        Files.delete(dir.resolve("good.dbf"));
        failsReading(ErrorClass.FORMAT, "good.dbf").withMessageContaining("missing");
    }

    @Test
    void truncatedShpIsAFormatFailureNamingTheShp() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(shp.toFile(), "rw")) {
            f.setLength(f.length() - 50);
        }
        failsReading(ErrorClass.FORMAT, "good.shp").withMessageContaining("truncated");
    }

    @Test
    void truncatedShpWhoseHeaderWasRewrittenStillFailsOnTheLastRecord() throws Exception {
        long size;
        try (RandomAccessFile f = new RandomAccessFile(shp.toFile(), "rw")) {
            f.setLength(f.length() - 50);
            size = f.length();
            f.seek(24);
            f.writeInt((int) (size / 2)); // header agrees with the short file; the .shx does not
        }
        failsReading(ErrorClass.FORMAT, "good.shp").withMessageContaining("record 20");
    }

    @Test
    void garbagePrjIsACrsFailureNamingThePrj() throws Exception {
        Files.writeString(dir.resolve("good.prj"), "this is not WKT at all");
        failsReading(ErrorClass.CRS, "good.prj");
    }

    @Test
    void noPrjMeansNoCrs() throws Exception {
        assertThat(ShpFixture.layerOf(shp).crs()).isNull();
        assertThat(ShpFixture.layerOf(shp).crsCode()).isNull();
    }

    @Test
    void dbfWithAnotherRecordCountIsAFormatFailure() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("good.dbf").toFile(), "rw")) {
            f.seek(4);
            f.write(new byte[] {19, 0, 0, 0});
        }
        failsReading(ErrorClass.FORMAT, "good.dbf").withMessageContaining("19 records").withMessageContaining("20");
    }

    @Test
    void notAShapefileIsAFormatFailure() throws Exception {
        Files.write(shp, new byte[200]);
        failsReading(ErrorClass.FORMAT, "good.shp").withMessageContaining("not a shapefile");
        assertThat(ShpFixture.PROVIDER.probe(shp, new byte[200])).isFalse();
    }

    @Test
    void probeRecognisesTheShpHeader() throws Exception {
        byte[] head = Files.readAllBytes(shp);
        assertThat(ShpFixture.PROVIDER.probe(shp, head)).isTrue();
        assertThat(ShpFixture.PROVIDER.probe(shp, "{\"type\":\"FeatureCollection\"}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }

    @Test
    void deletedRecordsAreSkippedAndKeepTheirFidGap() throws Exception {
        int headerLength;
        int recordLength;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("good.dbf").toFile(), "rw")) {
            f.seek(8);
            headerLength = Short.reverseBytes(f.readShort());
            recordLength = Short.reverseBytes(f.readShort());
            f.seek(headerLength + 3L * recordLength);
            f.write('*');
        }
        List<Feature> out = ShpFixture.read(shp);
        assertThat(out).hasSize(19).extracting(Feature::fid).doesNotContain(3L);
        assertThat(ShpFixture.read(shp, 0, 5)).extracting(Feature::fid).containsExactly(0L, 1L, 2L, 4L);
    }

    /** A dBase table in Latin-1 with Zürich in it, written by hand (language driver {@code ldid}). */
    private void writeLatin1Dbf(int ldid) throws Exception {
        Path point = dir.resolve("latin.shp");
        ShpFixture.write(point, ShpFixture.layer("latin", GeometryKind.POINT, false, false,
                List.of(new FieldDef("city", FieldType.STRING, 12, 0))),
                List.of(new Feature(0, GF.createPoint(new CoordinateXY(8.5, 47.3)), new Object[] {"x"})));
        byte[] dbf = Files.readAllBytes(dir.resolve("latin.dbf"));
        dbf[29] = (byte) ldid;
        int headerLength = (dbf[8] & 0xFF) | (dbf[9] & 0xFF) << 8;
        byte[] text = String.format("%-12s", "Zürich").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, dbf, headerLength + 1, 12);
        Files.write(dir.resolve("latin.dbf"), dbf);
        Files.delete(dir.resolve("latin.cpg"));
        shp = point;
    }

    @Test
    void latin1DbfWithACpgDecodes() throws Exception {
        writeLatin1Dbf(0);
        Files.writeString(dir.resolve("latin.cpg"), "ISO-8859-1");
        assertThat(ShpFixture.read(shp).get(0).values()).containsExactly("Zürich");
    }

    @Test
    void latin1DbfWithOnlyTheLanguageDriverByteDecodes() throws Exception {
        writeLatin1Dbf(0x57);
        assertThat(ShpFixture.read(shp).get(0).values()).containsExactly("Zürich");
        writeLatin1Dbf(0x03); // code page 1252
        assertThat(ShpFixture.read(shp).get(0).values()).containsExactly("Zürich");
    }

    @Test
    void unknownCpgIsAFormatFailureNamingTheCpg() throws Exception {
        Files.writeString(dir.resolve("good.cpg"), "KLINGON-1");
        failsReading(ErrorClass.FORMAT, "good.cpg").withMessageContaining("KLINGON-1");
    }

    @Test
    void shapeTypeMismatchInARecordIsAFormatFailure() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(shp.toFile(), "rw")) {
            f.seek(100 + 8);
            f.write(new byte[] {3, 0, 0, 0}); // PolyLine in a Polygon file
        }
        failsReading(ErrorClass.FORMAT, "good.shp").withMessageContaining("record 1").withMessageContaining("PolyLine");
    }

    @Test
    void aRecordWithImpossibleCountsIsAFormatFailure() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(shp.toFile(), "rw")) {
            f.seek(100 + 8 + 40);
            f.write(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0}); // 65535 points
        }
        assertThatThrownBy(() -> ShpFixture.read(shp)).isInstanceOfSatisfying(AssetFailure.class,
                e -> assertThat(e.getMessage()).contains("good.shp", "record 1"));
    }
}
