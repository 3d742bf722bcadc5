package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Date-times written to a GeoPackage take its form, YYYY-MM-DDTHH:MM:SS.SSSZ in UTC, when they have a zone. */
class GpkgDateTimeTest {
    @Test
    void zonedDateTimesAreWrittenInUtcWithMilliseconds() {
        assertThat(FeatureRows.gpkgDateTime("2009-04-27T02:36:23Z")).isEqualTo("2009-04-27T02:36:23.000Z");
        assertThat(FeatureRows.gpkgDateTime("2009-04-27T04:36:23.5+02:00")).isEqualTo("2009-04-27T02:36:23.500Z");
        assertThat(FeatureRows.gpkgDateTime("2021-01-25T00:56:53.535Z")).isEqualTo("2021-01-25T00:56:53.535Z");
    }

    @Test
    void textWithoutAZoneOrNotADateTimeIsKept() {
        assertThat(FeatureRows.gpkgDateTime("2009-04-27T02:36:23")).isEqualTo("2009-04-27T02:36:23");
        assertThat(FeatureRows.gpkgDateTime("yesterday")).isEqualTo("yesterday");
    }
}
