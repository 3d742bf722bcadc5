package dev.cairn.geo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;

import dev.cairn.geo.pipeline.GeometryPolicy.OnInvalid;

class GeometryPolicyTest {
    private static Geometry wkt(String s) throws Exception {
        return new WKTReader().read(s);
    }

    @Test
    void validGeometriesPassUnchangedUnderEveryPolicy() throws Exception {
        for (String s : new String[] {"POINT (1 2)", "LINESTRING (0 0, 1 1)", "POLYGON ((0 0, 1 0, 1 1, 0 0))",
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))", "POLYGON EMPTY", "MULTIPOINT ((0 0), (0 0))"}) {
            Geometry g = wkt(s);
            for (OnInvalid p : OnInvalid.values()) {
                String[] repair = new String[1];
                assertThat(new GeometryPolicy(p).apply(g, repair)).as(s).isSameAs(g);
                assertThat(repair[0]).isNull();
            }
        }
    }

    @Test
    void invalidGeometriesFailOrAreRepairedWithTheReason() throws Exception {
        Geometry bowtie = wkt("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))");
        assertThat(GeometryPolicy.invalidReason(bowtie)).isEqualTo("Self-intersection at (0.5 0.5)");
        assertThatThrownBy(() -> new GeometryPolicy(OnInvalid.FAIL).apply(bowtie, new String[1]))
                .isInstanceOf(GeometryPolicy.InvalidGeometryException.class).hasMessage("Self-intersection at (0.5 0.5)");
        assertThatThrownBy(() -> new GeometryPolicy(OnInvalid.SKIP).apply(bowtie, new String[1]))
                .isInstanceOf(GeometryPolicy.InvalidGeometryException.class);
        String[] repair = new String[1];
        Geometry fixed = new GeometryPolicy(OnInvalid.REPAIR).apply(bowtie, repair);
        assertThat(fixed.isValid()).isTrue();
        assertThat(fixed.getArea()).isEqualTo(0.5);
        assertThat(repair[0]).isEqualTo("Self-intersection at (0.5 0.5); repaired as MultiPolygon");

        Geometry hole = wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (20 20, 21 20, 21 21, 20 20))");
        assertThat(GeometryPolicy.invalidReason(hole)).startsWith("Hole lies outside shell");
        Geometry flat = wkt("POLYGON ((0 0, 1 0, 2 0, 0 0))");
        String[] r2 = new String[1];
        assertThat(new GeometryPolicy(OnInvalid.REPAIR).apply(flat, r2).isEmpty()).isTrue();
        assertThat(r2[0]).endsWith("repaired as Polygon EMPTY (it collapsed)");
    }

    @Test
    void pointsWithNonFiniteCoordinatesAreInvalid() throws Exception {
        assertThat(GeometryPolicy.invalidReason(wkt("POINT (1 2)"))).isNull();
        Geometry p = new org.locationtech.jts.geom.GeometryFactory().createPoint(
                new org.locationtech.jts.geom.Coordinate(Double.POSITIVE_INFINITY, 1));
        assertThat(GeometryPolicy.invalidReason(p)).isNotNull();
    }

    @Test
    void policyNamesParseInAnyCase() {
        assertThat(OnInvalid.parse("Repair")).isEqualTo(OnInvalid.REPAIR);
        assertThat(OnInvalid.parse(" skip ")).isEqualTo(OnInvalid.SKIP);
        assertThat(OnInvalid.parse("KEEP")).isEqualTo(OnInvalid.KEEP);
        assertThat(OnInvalid.parse("warn")).isEqualTo(OnInvalid.WARN);
        assertThatThrownBy(() -> OnInvalid.parse("ignore")).hasMessage("'ignore' is not one of keep, warn, fail, skip, repair");
    }

    @Test
    void theDefaultKeepsAnInvalidGeometryAsReadWithoutCheckingIt() throws Exception {
        Geometry bowtie = new org.locationtech.jts.io.WKTReader().read("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))");
        String[] note = new String[1];
        assertThat(GeometryPolicy.DEFAULT).isEqualTo(OnInvalid.KEEP);
        assertThat(new GeometryPolicy(OnInvalid.KEEP).apply(bowtie, note)).isSameAs(bowtie);
        assertThat(note[0]).as("not even checked").isNull();
    }

    @Test
    void warnKeepsAnInvalidGeometryAsReadAndSaysWhyItIsInvalid() throws Exception {
        Geometry bowtie = new org.locationtech.jts.io.WKTReader().read("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))");
        String[] note = new String[1];
        assertThat(new GeometryPolicy(OnInvalid.WARN).apply(bowtie, note)).isSameAs(bowtie);
        assertThat(note[0]).isEqualTo("Self-intersection at (0.5 0.5)");
    }
}
