package dev.cairn.geo.crs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

/** Where coordinates of a CRS can lie: loose enough for every real file, tight enough for a lie. */
class CrsDomainTest {
    private static final GeometryFactory GF = new GeometryFactory();

    private static Geometry wkt(String text) throws Exception {
        return new WKTReader().read(text);
    }

    @Test
    void metresUnderAGeographicCrsAreOutsideAndTheMessageNamesTheCoordinateAndTheCrs() throws Exception {
        CrsDomain wgs84 = CrsDomain.of(CrsResolver.forCode("EPSG:4326"));
        String outside = wgs84.firstOutside(wkt("LINESTRING (8 47, 430016.2 5200000)"));
        assertThat(outside).isEqualTo("x=430016.2");
        assertThat(wgs84.message(outside)).startsWith("coordinates outside the declared CRS WGS 84: x=430016.2");
        assertThat(wgs84.firstOutside(wkt("POINT (8 91)"))).isEqualTo("y=91.0");
    }

    @Test
    void longitudesFrom0To360PolesAndEmptyPointsAreInside() throws Exception {
        CrsDomain wgs84 = CrsDomain.of(CrsResolver.forCode("EPSG:4326"));
        assertThat(wgs84.firstOutside(wkt("MULTIPOINT ((359.9 -90), (-180 90), (190 -89.99999999999))"))).isNull();
        assertThat(wgs84.firstOutside(GF.createPoint(new Coordinate(Double.NaN, Double.NaN)))).isNull();
        assertThat(wgs84.firstOutside(wkt("POLYGON EMPTY"))).isNull();
    }

    @Test
    void aHoleOrALaterPartOutsideIsFound() throws Exception {
        CrsDomain wgs84 = CrsDomain.of(CrsResolver.forCode("EPSG:4326"));
        assertThat(wgs84.firstOutside(wkt("POLYGON ((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 100, 1 1))"))).isEqualTo("y=100.0");
        assertThat(wgs84.firstOutside(wkt("GEOMETRYCOLLECTION (POINT (1 1), MULTILINESTRING ((0 0, 1 1), (0 0, 500 0)))")))
                .isEqualTo("x=500.0");
    }

    @Test
    void boundsFollowTheAxisUnitsTheCrsDeclares() throws Exception {
        CrsDomain grads = CrsDomain.of(CrsResolver.forCode("EPSG:4807")); // NTF (Paris), in grads
        assertThat(grads.firstOutside(wkt("POINT (399 99.9)"))).as("399 grads is within 360°").isNull();
        assertThat(grads.firstOutside(wkt("POINT (1 100.5)"))).isEqualTo("y=100.5");
        CrsDomain usFeet = CrsDomain.of(CrsResolver.forCode("EPSG:2227")); // California zone 3, US survey feet
        assertThat(usFeet.firstOutside(wkt("POINT (6000000 2000000)"))).isNull();
        assertThat(usFeet.firstOutside(wkt("POINT (3.2e8 2000000)"))).as("10^8 m is 3.28e8 ft").isNull();
        assertThat(usFeet.firstOutside(wkt("POINT (3.3e8 2000000)"))).isEqualTo("x=3.3E8");
    }

    @Test
    void aProjectedCrsRefusesOnlyWhatNoProjectionOfTheEarthGives() throws Exception {
        CrsDomain utm = CrsDomain.of(CrsResolver.forCode("EPSG:32632"));
        assertThat(utm.firstOutside(wkt("POINT (-2000000 9999999)"))).as("far outside the zone, still possible").isNull();
        assertThat(utm.firstOutside(wkt("POINT (500000 1.2e8)"))).isEqualTo("y=1.2E8");
    }

    @Test
    void aDeclaredExtentIsCheckedCornerByCornerAndANonFiniteOneSaysNothing() throws Exception {
        CrsDomain wgs84 = CrsDomain.of(CrsResolver.forCode("EPSG:4326"));
        assertThat(wgs84.firstOutsideExtent(new double[] {430016.2, 5200000, 431000, 5201000})).isEqualTo("x=430016.2");
        assertThat(wgs84.firstOutsideExtent(new double[] {5, 40, 10, 95})).isEqualTo("y=95.0");
        assertThat(wgs84.firstOutsideExtent(new double[] {5, 40, 10, 50})).isNull();
        assertThat(wgs84.firstOutsideExtent(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY})).as("an empty layer").isNull();
        assertThat(wgs84.firstOutsideExtent(null)).isNull();
        assertThat(wgs84.firstOutsideExtent(new double[] {-Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE,
            Double.MAX_VALUE})).as("the DBL_MAX sentinel of an empty Shapefile's header").isNull();
    }
}
