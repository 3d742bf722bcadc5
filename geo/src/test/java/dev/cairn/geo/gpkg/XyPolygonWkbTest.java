package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateXY;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.impl.CoordinateArraySequence;
import org.locationtech.jts.io.ByteOrderValues;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;
import org.locationtech.jts.io.WKTReader;

/**
 * An XY polygon read straight from the blob is the geometry WKBReader reads (classes, sequence
 * type and dimension, every double); whatever is not that common case is left to WKBReader.
 */
class XyPolygonWkbTest {
    private static final GeometryFactory FACTORY = new GeometryFactory();

    @Test
    void xyPolygonsAndMultiPolygonsReadAsWkbReaderReadsThem() throws Exception {
        WKTReader wkt = new WKTReader(FACTORY);
        wkt.setIsOldJtsCoordinateSyntaxAllowed(false);
        for (String text : List.of("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))",
                "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (1 1, 2 1, 2 2, 1 1), (5 5, 6 5, 6 6, 5 5))",
                "POLYGON ((-0.0 1e-300, 1e300 -7, 3.141592653589793 2.718281828459045, -0.0 1e-300))",
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))",
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5), (6 6, 7 6, 7 7, 6 6)))")) {
            byte[] wkb = new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read(text));
            byte[] blob = withPrefix(wkb, 11);

            Geometry fast = XyPolygonWkb.read(FACTORY, blob, 11);
            Geometry jts = new WKBReader(FACTORY).read(wkb);

            assertThat(fast).as(text).isNotNull();
            assertSame(fast, jts);
        }
    }

    @Test
    void otherTypesByteOrdersDimensionsAndDamagedOrOpenRingsAreLeftToWkbReader() throws Exception {
        WKTReader wkt = new WKTReader(FACTORY);
        byte[] polygon = new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read("POLYGON ((0 0, 10 0, 10 10, 0 0))"));
        List<byte[]> others = List.of(
                new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read("LINESTRING (0 0, 1 1)")),
                new WKBWriter(2, ByteOrderValues.BIG_ENDIAN).write(wkt.read("POLYGON ((0 0, 10 0, 10 10, 0 0))")),
                new WKBWriter(3, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read("POLYGON Z ((0 0 1, 10 0 1, 10 10 1, 0 0 1))")),
                new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read("POLYGON EMPTY")),
                new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(wkt.read("MULTIPOLYGON EMPTY")),
                java.util.Arrays.copyOf(polygon, polygon.length - 1), // truncated
                java.util.Arrays.copyOf(polygon, polygon.length + 8), // bytes left over
                ring(new double[] {0, 0, 1, 0, 1, 1, 0, 1}), // not closed: WKBReader closes it
                ring(new double[] {0, 0, 1, 1, 0, 0}), // 3 points
                ring(new double[] {0, 0, 1, 0, 1, 1, Double.NaN, 0}),
                hugeCount());
        for (byte[] wkb : others) {
            assertThat(XyPolygonWkb.read(FACTORY, withPrefix(wkb, 3), 3)).isNull();
        }
        assertThat(XyPolygonWkb.read(new GeometryFactory(new org.locationtech.jts.geom.PrecisionModel(10)),
                withPrefix(polygon, 0), 0)).isNull();
    }

    private static byte[] ring(double[] xy) {
        ByteBuffer b = ByteBuffer.allocate(13 + 8 * xy.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).putInt(3).putInt(1).putInt(xy.length / 2);
        for (double v : xy) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] hugeCount() {
        return ByteBuffer.allocate(13 + 64).order(ByteOrder.LITTLE_ENDIAN).put((byte) 1).putInt(3).putInt(1)
                .putInt(Integer.MAX_VALUE).array();
    }

    private static byte[] withPrefix(byte[] wkb, int prefix) {
        byte[] blob = new byte[prefix + wkb.length];
        System.arraycopy(wkb, 0, blob, prefix, wkb.length);
        return blob;
    }

    private static void assertSame(Geometry fast, Geometry jts) {
        assertThat(fast.getClass()).isEqualTo(jts.getClass());
        assertThat(fast.getNumGeometries()).isEqualTo(jts.getNumGeometries());
        assertThat(fast.getSRID()).isEqualTo(jts.getSRID());
        for (int i = 0; i < fast.getNumGeometries(); i++) {
            Polygon f = (Polygon) fast.getGeometryN(i);
            Polygon j = (Polygon) jts.getGeometryN(i);
            assertThat(f.getNumInteriorRing()).isEqualTo(j.getNumInteriorRing());
            assertSameRing(f.getExteriorRing(), j.getExteriorRing());
            for (int k = 0; k < f.getNumInteriorRing(); k++) {
                assertSameRing(f.getInteriorRingN(k), j.getInteriorRingN(k));
            }
        }
    }

    private static void assertSameRing(LineString f, LineString j) {
        CoordinateSequence fs = f.getCoordinateSequence();
        CoordinateSequence js = j.getCoordinateSequence();
        assertThat(fs).isInstanceOf(CoordinateArraySequence.class);
        assertThat(fs.getClass()).isEqualTo(js.getClass());
        assertThat(fs.getDimension()).isEqualTo(js.getDimension()).isEqualTo(2);
        assertThat(fs.getMeasures()).isEqualTo(js.getMeasures());
        assertThat(fs.size()).isEqualTo(js.size());
        for (int i = 0; i < fs.size(); i++) {
            assertThat(fs.getCoordinate(i).getClass()).isEqualTo(js.getCoordinate(i).getClass())
                    .isEqualTo(CoordinateXY.class);
            assertThat(Double.doubleToRawLongBits(fs.getX(i))).isEqualTo(Double.doubleToRawLongBits(js.getX(i)));
            assertThat(Double.doubleToRawLongBits(fs.getY(i))).isEqualTo(Double.doubleToRawLongBits(js.getY(i)));
        }
    }
}
