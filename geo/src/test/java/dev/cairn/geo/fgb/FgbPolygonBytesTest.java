package dev.cairn.geo.fgb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.impl.PackedCoordinateSequenceFactory;
import org.locationtech.jts.io.WKTReader;
import org.wololo.flatgeobuf.GeometryConversions;
import org.wololo.flatgeobuf.generated.GeometryType;

/**
 * cairn writes XY polygons itself (one copy into the xy vector) to the very bytes the FlatGeobuf
 * library writes: shells and holes, multi-polygons of one or many parts, in a layer of the
 * declared type and in an Unknown one, after other tables in the same buffer.
 */
class FgbPolygonBytesTest {
    private static final List<String> POLYGONS = List.of(
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))",
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (1 1, 2 1, 2 2, 1 1), (5 5, 6 5, 6 6, 5.5 7.25, 5 5))",
            "POLYGON ((-0.0 1e-300, 1e300 -7, 3.141592653589793 2.718281828459045, -0.0 1e-300))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5), (6 6, 7 6, 7 7, 6 6)), "
                    + "((20 20, 21 20, 21 21, 20 20)))");

    @Test
    void xyPolygonsAreWrittenToTheLibrarysBytesInDeclaredAndUnknownLayers() throws Exception {
        for (GeometryFactory factory : List.of(new GeometryFactory(),
                new GeometryFactory(PackedCoordinateSequenceFactory.DOUBLE_FACTORY))) {
            WKTReader wkt = new WKTReader(factory);
            wkt.setIsOldJtsCoordinateSyntaxAllowed(false); // XY sequences, as read from 2D WKB
            for (String text : POLYGONS) {
                Geometry g = wkt.read(text);
                assertThat(((Polygon) g.getGeometryN(0)).getExteriorRing().getCoordinateSequence().hasZ()).isFalse();
                int declared = g.getGeometryType().equals("Polygon") ? GeometryType.Polygon : GeometryType.MultiPolygon;
                for (int headerType : List.of(declared, GeometryType.Unknown)) {
                    assertThat(cairns(g, headerType)).as(text + " in a layer of type " + headerType)
                            .isEqualTo(librarys(g, headerType));
                }
            }
        }
    }

    @Test
    void polygonsWithZOrMGoThroughTheLibraryAndComeOutAsItWritesThem() throws Exception {
        WKTReader wkt = new WKTReader();
        for (String text : List.of("POLYGON Z ((0 0 1, 10 0 2, 10 10 3, 0 0 1))",
                "MULTIPOLYGON Z (((0 0 1, 1 0 1, 1 1 1, 0 0 1)))", "POLYGON ZM ((0 0 1 5, 1 0 2 6, 1 1 3 7, 0 0 1 5))")) {
            Geometry g = wkt.read(text);
            int declared = g.getGeometryType().equals("Polygon") ? GeometryType.Polygon : GeometryType.MultiPolygon;
            assertThat(cairns(g, declared)).as(text).isEqualTo(librarys(g, declared));
        }
    }

    /** A buffer with a string before the geometry, so the vectors do not start aligned by chance. */
    private static byte[] cairns(Geometry g, int headerType) throws Exception {
        FlatBufferBuilder b = new FlatBufferBuilder(16);
        int name = b.createString("abc");
        int geometry = FgbGeometry.write(b, g, headerType);
        return finish(b, name, geometry);
    }

    private static byte[] librarys(Geometry g, int headerType) throws Exception {
        FlatBufferBuilder b = new FlatBufferBuilder(16);
        int name = b.createString("abc");
        int geometry = GeometryConversions.serialize(b, g, (byte) headerType);
        return finish(b, name, geometry);
    }

    private static byte[] finish(FlatBufferBuilder b, int name, int geometry) {
        b.startTable(2);
        b.addOffset(0, name, 0);
        b.addOffset(1, geometry, 0);
        b.finish(b.endTable());
        return b.sizedByteArray();
    }
}
