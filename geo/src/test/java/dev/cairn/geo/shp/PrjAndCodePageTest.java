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
                .hasMessageContaining("clrk66");
        String grs80 = "GEOGCS[\"GCS_unnamed\",DATUM[\"D_unknown\",SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],"
                + "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
        assertThat(CrsResolver.operation(CrsResolver.fromWkt(grs80), wgs84)).isNotNull();
    }

    @Test
    void textWidthsGrowByTheLongestUtf8FormOfTheCodePage() {
        assertThat(ShapefileSource.utf8Growth(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(ShapefileSource.utf8Growth(StandardCharsets.ISO_8859_1)).isEqualTo(2);
        assertThat(ShapefileSource.utf8Growth(Charset.forName("windows-1252"))).as("the euro sign").isEqualTo(3);
        assertThat(ShapefileSource.utf8Growth(Charset.forName("GBK"))).isEqualTo(2);
    }
}
