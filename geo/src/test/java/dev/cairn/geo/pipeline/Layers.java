package dev.cairn.geo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;

import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;

/** Reads layers through the SPI and compares them feature by feature. */
final class Layers {
    private Layers() {
    }

    record Read(LayerDef def, List<Feature> features) {
        Object value(Feature f, String field) {
            List<FieldDef> fields = def.fields();
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(field)) {
                    return f.values()[i];
                }
            }
            throw new AssertionError("no field " + field + " in " + fields);
        }
    }

    static Read read(FormatProvider provider, Path file, int layer) throws Exception {
        try (FeatureSource source = provider.open(file)) {
            List<Feature> features = new ArrayList<>();
            try (FeatureCursor c = source.cursor(layer, 0, -1)) {
                for (Feature f = c.next(); f != null; f = c.next()) {
                    features.add(f);
                }
            }
            return new Read(source.layers().get(layer), features);
        }
    }

    /**
     * Asserts the same features in the same order: values equal after the documented type changes
     * (numbers by value, dates and date-times by text), coordinates within {@code tolerance}, a NULL
     * geometry and an empty one taken as equal (Shapefile stores both as a Null shape), and with
     * {@code emptyTextIsNull} an expected "" matching null (dBase stores both as blanks).
     */
    static void assertSameFeatures(Read actual, Read expected, boolean sameFids, boolean emptyTextIsNull,
            double tolerance) {
        assertThat(actual.features()).hasSameSizeAs(expected.features());
        for (int i = 0; i < expected.features().size(); i++) {
            Feature e = expected.features().get(i);
            Feature a = actual.features().get(i);
            String where = "feature #" + i + " (fid " + e.fid() + ")";
            if (sameFids) {
                assertThat(a.fid()).as(where).isEqualTo(e.fid());
            }
            for (FieldDef f : expected.def().fields()) {
                Object av = normalize(actual.value(a, f.name()));
                Object ev = normalize(expected.value(e, f.name()));
                if (emptyTextIsNull && "".equals(ev)) {
                    ev = null;
                }
                assertThat(av).as(where + " field " + f.name()).isEqualTo(ev);
            }
            assertClose(a.geometry(), e.geometry(), tolerance, where);
        }
    }

    static void assertClose(Geometry a, Geometry e, double tolerance, String where) {
        boolean aNone = a == null || a.isEmpty();
        boolean eNone = e == null || e.isEmpty();
        assertThat(aNone).as(where + " null/empty geometry").isEqualTo(eNone);
        if (eNone) {
            return;
        }
        assertThat(a.getDimension()).as(where + " dimension").isEqualTo(e.getDimension());
        Coordinate[] ca = a.getCoordinates();
        Coordinate[] ce = e.getCoordinates();
        assertThat(ca).as(where).hasSameSizeAs(ce);
        for (int k = 0; k < ce.length; k++) {
            assertThat(ca[k].x).as(where + " x").isCloseTo(ce[k].x, within(tolerance));
            assertThat(ca[k].y).as(where + " y").isCloseTo(ce[k].y, within(tolerance));
            if (Double.isFinite(ce[k].getZ())) {
                assertThat(ca[k].getZ()).as(where + " z").isEqualTo(ce[k].getZ());
            }
        }
    }

    private static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof LocalDate d) {
            return d.toString();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        return v;
    }
}
