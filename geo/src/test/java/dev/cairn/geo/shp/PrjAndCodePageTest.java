package dev.cairn.geo.shp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** .prj files as ESRI tools write them, and text widths across code pages. */
class PrjAndCodePageTest {

    /** Datums by their ESRI names: without the match, NAD27 data moved about 230 m with no datum shift. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GEOGCS[\"GCS_North_American_1927\",DATUM[\"D_North_American_1927\",SPHEROID[\"Clarke_1866\",6378206.4,294.9786982]],"
            + "PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.017453292519943295]]|EPSG:4267",
        "GEOGCS[\"GCS_North_American_1983\",DATUM[\"D_North_American_1983\",SPHEROID[\"GRS_1980\",6378137,298.257222101]],"
            + "PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.017453292519943295]]|EPSG:4269",
        "GEOGCS[\"GCS_European_1950\",DATUM[\"D_European_1950\",SPHEROID[\"International_1924\",6378388.0,297.0]],"
            + "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]|EPSG:4230",
        "PROJCS[\"NAD_1927_UTM_Zone_18N\",GEOGCS[\"GCS_North_American_1927\",DATUM[\"D_North_American_1927\","
            + "SPHEROID[\"Clarke_1866\",6378206.4,294.9786982]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
            + "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
            + "PARAMETER[\"Central_Meridian\",-75.0],PARAMETER[\"Scale_Factor\",0.9996],PARAMETER[\"Latitude_Of_Origin\",0.0],"
            + "UNIT[\"Meter\",1.0]]|EPSG:26718",
    })
    void esriDatumNamesMatchTheirEpsgCodes(String wkt, String code) throws Exception {
        PrjCodec.Prj prj = PrjCodec.parse("x.prj", wkt.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(prj.code()).isEqualTo(code);
        CrsResolver.Operation op = CrsResolver.operation(prj.crs(), CrsResolver.forCode("EPSG:4326"));
        assertThat(op.linearAccuracy()).as("a datum shift EPSG knows").isLessThan(100);
    }

    /**
     * A datum EPSG does not know, on another ellipsoid than the target's, is refused: SIS would
     * only change the ellipsoid, moving coordinates by hundreds of metres.
     */
    @Test
    void anUnknownDatumOnAnotherEllipsoidIsRefusedAndOneOnTheSameEllipsoidIsNot() throws Exception {
        String clarke = "PROJCS[\"UTM Zone 18, Northern Hemisphere\",GEOGCS[\"Clarke 1866\",DATUM[\"unknown\","
                + "SPHEROID[\"clrk66\",6378206.4,294.9786982138982]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
                + "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",-75],"
                + "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
                + "UNIT[\"Meter\",1]]";
        var wgs84 = CrsResolver.forCode("EPSG:4326");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrsResolver.operation(CrsResolver.fromWkt(clarke), wgs84))
                .isInstanceOf(CrsException.class)
                .hasMessageContaining("no datum transformation is known")
                .hasMessageContaining("clrk66")
                .hasMessageContaining("--allow-ballpark");
        String grs80 = "GEOGCS[\"GCS_unnamed\",DATUM[\"D_unknown\",SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],"
                + "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
        assertThat(CrsResolver.operation(CrsResolver.fromWkt(grs80), wgs84)).isNotNull();
    }

    /**
     * {@code --allow-ballpark}: PROJ's ballpark keeps latitude and longitude across the datum
     * change, applying only the prime meridian's offset; checked here on a datum of Paris in
     * grads, where the arithmetic is plain (1 grad = 0.9°, Paris = 2.33722917° east).
     */
    @Test
    void aBallparkKeepsLatitudeAndLongitudeAndAppliesThePrimeMeridian() throws Exception {
        String parisGrads = "GEOGCS[\"unnamed\",DATUM[\"unknown\",SPHEROID[\"Clarke 1880 (IGN)\",6378249.2,293.4660212936269]],"
                + "PRIMEM[\"Paris\",2.5969213],UNIT[\"grad\",0.015707963267949]]"; // OGC WKT 1: PRIMEM in the CRS's unit
        var wgs84 = CrsResolver.forCode("EPSG:4326");
        var source = CrsResolver.fromWkt(parisGrads);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrsResolver.operation(source, wgs84, null, false))
                .hasMessageContaining("--allow-ballpark");
        CrsResolver.Operation op = CrsResolver.operation(source, wgs84, null, true);
        assertThat(op.ballpark()).contains("latitude and longitude kept").contains("tens to hundreds of metres");
        assertThat(op.linearAccuracy()).isNaN();
        assertThat(op.describe()).contains("ballpark");
        assertThat(op.withHeights()).as("heights play no part in a ballpark").isNull();
        double[] p = {1.5, 50.0}; // grads east of Paris, grads north
        op.transform().transform(p, 0, p, 0, 1);
        assertThat(p[0]).isCloseTo(1.5 * 0.9 + 2.33722917, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p[1]).isCloseTo(45.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CrsResolver.operation(CrsResolver.forCode("EPSG:4230"), wgs84, null, true).ballpark())
                .as("a datum EPSG knows a shift for is never a ballpark").isNull();
    }

    /**
     * The ESRI .prj of French Lambert zone II, as GDAL and ArcGIS write it: PRIMEM in degrees,
     * parameters in grads, Lambert 1SP spelled as a one-parallel LCC. SIS alone misreads it; by
     * ESRI's name it is EPSG:27572, as GDAL finds, and gets the NTF datum shift.
     */
    @Test
    void anEsriPrjIsIdentifiedByItsNameAsGdalDoesAndNotWhenItsSpheroidDisagrees() throws Exception {
        String lambert2 = "PROJCS[\"NTF_Paris_Lambert_Zone_II\",GEOGCS[\"GCS_NTF_Paris\",DATUM[\"D_NTF\","
                + "SPHEROID[\"Clarke_1880_IGN\",6378249.2,293.466021293627]],PRIMEM[\"Paris\",2.33722917],"
                + "UNIT[\"Grad\",0.0157079632679489]],PROJECTION[\"Lambert_Conformal_Conic\"],"
                + "PARAMETER[\"False_Easting\",600000.0],PARAMETER[\"False_Northing\",2200000.0],"
                + "PARAMETER[\"Central_Meridian\",0.0],PARAMETER[\"Standard_Parallel_1\",52.0],"
                + "PARAMETER[\"Scale_Factor\",0.99987742],PARAMETER[\"Latitude_Of_Origin\",52.0],UNIT[\"Meter\",1.0]]";
        PrjCodec.Prj prj = PrjCodec.parse("lambert.prj", lambert2.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(prj.code()).isEqualTo("EPSG:27572");
        CrsResolver.Operation op = CrsResolver.operation(prj.crs(), CrsResolver.forCode("EPSG:4326"));
        assertThat(op.ballpark()).isNull();
        assertThat(op.linearAccuracy()).as("the NTF datum shift").isLessThan(10);
        double[] p = {600000, 2400000};
        op.transform().transform(p, 0, p, 0, 1);
        // ogr2ogr (GDAL 3.6, PROJ 9.1) gives 2.336509263664002, 48.598672390520584
        assertThat(p[0]).isCloseTo(2.336509263664002, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(p[1]).isCloseTo(48.598672390520584, org.assertj.core.data.Offset.offset(1e-7));

        String renamedCustom = lambert2.replace("6378249.2", "6378388.0");
        assertThat(PrjCodec.parse("custom.prj", renamedCustom.getBytes(StandardCharsets.ISO_8859_1)).code())
                .as("a known name over another spheroid is not trusted").isNotEqualTo("EPSG:27572");
        assertThat(PrjCodec.EsriNames.code("WGS_1984_UTM_Zone_32N")).isEqualTo(32632);
        assertThat(PrjCodec.EsriNames.code("Austria_Central_Zone")).as("ambiguous: left out").isNull();
    }

    @Test
    void textWidthsGrowByTheLongestUtf8FormOfTheCodePage() {
        assertThat(ShapefileSource.utf8Growth(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(ShapefileSource.utf8Growth(StandardCharsets.ISO_8859_1)).isEqualTo(2);
        assertThat(ShapefileSource.utf8Growth(Charset.forName("windows-1252"))).as("the euro sign").isEqualTo(3);
        assertThat(ShapefileSource.utf8Growth(Charset.forName("GBK"))).isEqualTo(2);
    }
}
