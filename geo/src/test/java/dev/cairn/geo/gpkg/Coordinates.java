package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBReader;

/** Coordinate-wise comparison of two GeoPackage geometry blobs (decoded with mil.nga + JTS). */
final class Coordinates {
    private Coordinates() {
    }

    static Geometry read(byte[] blob) throws Exception {
        return new WKBReader().read(Outputs.decode(blob).getWkb());
    }

    static void assertClose(byte[] actual, byte[] expected, double tolerance) throws Exception {
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        if (Outputs.decode(expected).isEmpty()) {
            assertThat(Outputs.decode(actual).isEmpty()).as("empty flag").isTrue();
            assertThat(Outputs.wkt(actual)).isEqualTo(Outputs.wkt(expected));
            return;
        }
        Geometry a = read(actual);
        Geometry e = read(expected);
        assertThat(a.getGeometryType()).isEqualTo(e.getGeometryType());
        Coordinate[] ca = a.getCoordinates();
        Coordinate[] ce = e.getCoordinates();
        assertThat(ca).hasSameSizeAs(ce);
        for (int i = 0; i < ca.length; i++) {
            assertThat(ca[i].x).isCloseTo(ce[i].x, org.assertj.core.data.Offset.offset(tolerance));
            assertThat(ca[i].y).isCloseTo(ce[i].y, org.assertj.core.data.Offset.offset(tolerance));
            if (!Double.isNaN(ce[i].getZ())) {
                assertThat(ca[i].getZ()).isEqualTo(ce[i].getZ());
            }
        }
    }
}
