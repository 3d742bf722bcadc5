package dev.cairn.cli.gdal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Compares a GeoPackage written by cairn with the one {@code ogr2ogr} wrote from the same input, and
 * checks the GeoPackage structure of cairn's output on the way. Every difference becomes one line
 * naming file, layer, fid and what differs; the caller fails when the list is not empty.
 *
 * <p>Rules: same feature layers, geometry column, fid column, declared geometry type and z/m flags;
 * same attribute columns in the same order; same fids; attribute values identical as SQLite stores
 * them (same storage class; REAL compared with {@code ==}; DATETIME compared as instants, since
 * {@code 12:00:00Z} and {@code 12:00:00.000Z} are the same time); geometries of the same type and
 * structure with every x/y within {@code tolXy} (CRS units) and z within {@code tolZ} metres,
 * coordinate dimension included. cairn's output must also name the target CRS in its SRS row, carry
 * the layer's srs_id in each blob header, have a header envelope (if any) and an R-tree box that
 * contain the geometry, and an R-tree registered in {@code gpkg_extensions} holding exactly the fids
 * with a non-empty geometry.
 */
final class GpkgComparison {
    private static final int MAX_PER_LAYER = 25;

    private final List<String> problems = new ArrayList<>();
    private final List<String> deviations = new ArrayList<>();
    private final double tolXy;
    private final double tolZ;

    private GpkgComparison(double tolXy, double tolZ) {
        this.tolXy = tolXy;
        this.tolZ = tolZ;
    }

    /** Compares and returns the list of problems (empty when cairn's output matches). */
    static GpkgComparison compare(GpkgSnapshot expected, GpkgSnapshot actual, int epsg, double tolXy, double tolZ) {
        GpkgComparison cmp = new GpkgComparison(tolXy, tolZ);
        cmp.run(expected, actual, epsg);
        return cmp;
    }

    List<String> problems() {
        return problems;
    }

    /** One line per layer: the largest x/y and z difference seen (for the test log). */
    List<String> deviations() {
        return deviations;
    }

    private void run(GpkgSnapshot ref, GpkgSnapshot out, int epsg) {
        String file = out.file().getFileName().toString();
        if (!"ok".equals(out.integrityCheck())) {
            problems.add(file + ": PRAGMA integrity_check says " + out.integrityCheck());
        }
        if (!ref.layers().keySet().equals(out.layers().keySet())) {
            problems.add(file + ": feature layers " + out.layers().keySet() + ", ogr2ogr wrote " + ref.layers().keySet());
        }
        for (var e : ref.layers().entrySet()) {
            GpkgSnapshot.Layer actual = out.layers().get(e.getKey());
            if (actual != null) {
                layer(file + "#" + e.getKey(), e.getValue(), actual, epsg);
            }
        }
    }

    private void layer(String where, GpkgSnapshot.Layer ref, GpkgSnapshot.Layer out, int epsg) {
        int before = problems.size();
        same(where, "geometry column", ref.geomColumn(), out.geomColumn());
        same(where, "fid column", ref.fidColumn(), out.fidColumn());
        same(where, "gpkg_geometry_columns.geometry_type_name", ref.geometryTypeName().toUpperCase(Locale.ROOT),
                out.geometryTypeName().toUpperCase(Locale.ROOT));
        same(where, "gpkg_geometry_columns.z", ref.z(), out.z());
        same(where, "gpkg_geometry_columns.m", ref.m(), out.m());
        same(where, "SRS organization", "EPSG", out.srsOrganization() == null ? null : out.srsOrganization().toUpperCase(Locale.ROOT));
        same(where, "SRS organization_coordsys_id", epsg, out.srsOrgId());
        List<String> refCols = ref.columns().stream().map(GpkgSnapshot.Column::name).toList();
        List<String> outCols = out.columns().stream().map(GpkgSnapshot.Column::name).toList();
        same(where, "attribute columns", refCols, outCols);
        if (!ref.features().keySet().equals(out.features().keySet())) {
            Set<Long> missing = new TreeSet<>(ref.features().keySet());
            missing.removeAll(out.features().keySet());
            Set<Long> extra = new TreeSet<>(out.features().keySet());
            extra.removeAll(ref.features().keySet());
            problems.add(where + ": " + out.features().size() + " features, ogr2ogr wrote " + ref.features().size()
                    + "; fids missing " + missing + ", unexpected " + extra);
        }
        double maxXy = 0;
        double maxZ = 0;
        for (var f : ref.features().values()) {
            GpkgSnapshot.Feature g = out.features().get(f.fid());
            if (g == null || problems.size() - before > MAX_PER_LAYER) {
                continue;
            }
            String at = where + " fid " + f.fid();
            for (int i = 0; i < refCols.size(); i++) {
                int j = outCols.indexOf(refCols.get(i));
                if (j >= 0) {
                    value(at + " column " + refCols.get(i), ref.columns().get(i).declaredType(), f.values().get(i), g.values().get(j));
                }
            }
            double[] dev = geometry(at, out, f, g);
            maxXy = Math.max(maxXy, dev[0]);
            maxZ = Math.max(maxZ, dev[1]);
        }
        rtree(where, out);
        if (problems.size() - before > MAX_PER_LAYER) {
            problems.add(where + ": (further differences not listed)");
        }
        deviations.add(String.format(Locale.ROOT, "%s: max |dx|,|dy| = %.3g, max |dz| = %.3g", where, maxXy, maxZ));
    }

    private void value(String at, String declaredType, Object ref, Object out) {
        if (ref == null || out == null) {
            if (ref != out) {
                problems.add(at + ": " + show(out) + ", ogr2ogr wrote " + show(ref));
            }
            return;
        }
        if ("DATETIME".equalsIgnoreCase(declaredType) && ref instanceof String r && out instanceof String o) {
            try {
                if (!Instant.parse(r).equals(Instant.parse(o))) {
                    problems.add(at + ": DATETIME " + show(o) + " is not the instant " + show(r) + " ogr2ogr wrote");
                }
            } catch (DateTimeParseException e) {
                problems.add(at + ": DATETIME " + show(o) + " is not ISO-8601 UTC like ogr2ogr's " + show(r));
            }
            return;
        }
        boolean equal;
        if (ref instanceof Double r && out instanceof Double o) {
            equal = r.doubleValue() == o.doubleValue();
        } else if (ref instanceof byte[] r && out instanceof byte[] o) {
            equal = Arrays.equals(r, o);
        } else {
            equal = ref.getClass() == out.getClass() && ref.equals(out);
        }
        if (!equal) {
            problems.add(at + ": " + show(out) + ", ogr2ogr wrote " + show(ref));
        }
    }

    /** Returns {max |dx|,|dy|, max |dz|} of this feature. */
    private double[] geometry(String at, GpkgSnapshot.Layer layer, GpkgSnapshot.Feature ref, GpkgSnapshot.Feature out) {
        double[] dev = new double[2];
        if (out.blobProblem() != null) {
            problems.add(at + ": geometry blob: " + out.blobProblem());
            return dev;
        }
        if (ref.geometry() == null || out.geometry() == null) {
            if (ref.geometry() != out.geometry()) {
                problems.add(at + ": geometry " + (out.geometry() == null ? "NULL" : out.geometry().toText())
                        + ", ogr2ogr wrote " + (ref.geometry() == null ? "NULL" : ref.geometry().toText()));
            }
            return dev;
        }
        if (!Objects.equals(out.headerSrsId(), layer.srsId())) {
            problems.add(at + ": blob header srs_id " + out.headerSrsId() + ", layer srs_id " + layer.srsId());
        }
        Envelope env = GpkgSnapshot.headerEnvelope(out);
        Envelope g = out.geometry().getEnvelopeInternal();
        if (env != null && !g.isNull() && !covers(env, g, 1e-9 * Math.max(1, maxAbs(g)))) {
            problems.add(at + ": blob header envelope " + env + " does not contain the geometry's " + g);
        }
        shape(at, ref.geometry(), out.geometry(), dev);
        return dev;
    }

    private void shape(String at, Geometry ref, Geometry out, double[] dev) {
        if (!ref.getGeometryType().equals(out.getGeometryType())) {
            problems.add(at + ": geometry type " + out.getGeometryType() + ", ogr2ogr wrote " + ref.getGeometryType());
            return;
        }
        if (ref instanceof GeometryCollection rc) {
            if (rc.getNumGeometries() != out.getNumGeometries()) {
                problems.add(at + ": " + out.getNumGeometries() + " parts, ogr2ogr wrote " + rc.getNumGeometries());
                return;
            }
            for (int i = 0; i < rc.getNumGeometries(); i++) {
                shape(at + " part " + i, rc.getGeometryN(i), out.getGeometryN(i), dev);
            }
        } else if (ref instanceof Polygon rp) {
            Polygon op = (Polygon) out;
            if (rp.getNumInteriorRing() != op.getNumInteriorRing()) {
                problems.add(at + ": " + op.getNumInteriorRing() + " holes, ogr2ogr wrote " + rp.getNumInteriorRing());
                return;
            }
            coords(at + " shell", rp.getExteriorRing().getCoordinateSequence(), op.getExteriorRing().getCoordinateSequence(), dev);
            for (int i = 0; i < rp.getNumInteriorRing(); i++) {
                coords(at + " hole " + i, rp.getInteriorRingN(i).getCoordinateSequence(),
                        op.getInteriorRingN(i).getCoordinateSequence(), dev);
            }
        } else if (ref instanceof LineString rl) {
            coords(at, rl.getCoordinateSequence(), ((LineString) out).getCoordinateSequence(), dev);
        } else if (ref instanceof Point rp) {
            coords(at, rp.getCoordinateSequence(), ((Point) out).getCoordinateSequence(), dev);
        }
    }

    private void coords(String at, CoordinateSequence ref, CoordinateSequence out, double[] dev) {
        if (ref.size() != out.size()) {
            problems.add(at + ": " + out.size() + " vertices, ogr2ogr wrote " + ref.size());
            return;
        }
        if (ref.hasZ() != out.hasZ() || ref.hasM() != out.hasM()) {
            problems.add(at + ": coordinate dimension " + dims(out) + ", ogr2ogr wrote " + dims(ref));
        }
        for (int i = 0; i < ref.size(); i++) {
            double dx = Math.abs(ref.getX(i) - out.getX(i));
            double dy = Math.abs(ref.getY(i) - out.getY(i));
            dev[0] = Math.max(dev[0], Math.max(dx, dy));
            if (!(dx <= tolXy && dy <= tolXy)) {
                problems.add(String.format(Locale.ROOT, "%s vertex %d: (%.10f, %.10f), ogr2ogr wrote (%.10f, %.10f): "
                        + "differs by (%.3g, %.3g), tolerance %.3g", at, i, out.getX(i), out.getY(i),
                        ref.getX(i), ref.getY(i), out.getX(i) - ref.getX(i), out.getY(i) - ref.getY(i), tolXy));
            }
            if (ref.hasZ() && out.hasZ()) {
                double dz = Math.abs(ref.getZ(i) - out.getZ(i));
                dev[1] = Math.max(dev[1], dz);
                if (!(dz <= tolZ)) {
                    problems.add(String.format(Locale.ROOT, "%s vertex %d: z %.6f, ogr2ogr wrote %.6f", at, i,
                            out.getZ(i), ref.getZ(i)));
                }
            }
        }
    }

    /** The R-tree must exist, be registered, and hold one containing box per non-empty geometry. */
    private void rtree(String where, GpkgSnapshot.Layer out) {
        String name = "rtree_" + out.table() + "_" + out.geomColumn();
        if (out.rtree() == null) {
            problems.add(where + ": no spatial index table " + name);
            return;
        }
        if (!out.rtreeRegistered()) {
            problems.add(where + ": " + name + " exists but gpkg_extensions has no gpkg_rtree_index row for it");
        }
        Set<Long> expected = new TreeSet<>();
        for (GpkgSnapshot.Feature f : out.features().values()) {
            if (f.geometry() != null && !f.geometry().isEmpty()) {
                expected.add(f.fid());
                double[] box = out.rtree().get(f.fid());
                Envelope g = f.geometry().getEnvelopeInternal();
                // R-tree boxes are float32, rounded outwards: allow one float ulp.
                double slack = Math.ulp((float) maxAbs(g));
                if (box != null && !covers(new Envelope(box[0], box[1], box[2], box[3]), g, slack)) {
                    problems.add(where + " fid " + f.fid() + ": " + name + " box " + Arrays.toString(box)
                            + " does not contain the geometry's envelope " + g);
                }
            }
        }
        if (!expected.equals(out.rtree().keySet())) {
            Set<Long> missing = new TreeSet<>(expected);
            missing.removeAll(out.rtree().keySet());
            Set<Long> extra = new TreeSet<>(out.rtree().keySet());
            extra.removeAll(expected);
            problems.add(where + ": " + name + " lacks fids " + missing + " and has extra ids " + extra);
        }
    }

    private void same(String where, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            problems.add(where + ": " + what + " " + show(actual) + ", ogr2ogr wrote " + show(expected));
        }
    }

    private static boolean covers(Envelope box, Envelope g, double slack) {
        return box.getMinX() <= g.getMinX() + slack && box.getMaxX() >= g.getMaxX() - slack
                && box.getMinY() <= g.getMinY() + slack && box.getMaxY() >= g.getMaxY() - slack;
    }

    private static double maxAbs(Envelope e) {
        return Math.max(Math.max(Math.abs(e.getMinX()), Math.abs(e.getMaxX())),
                Math.max(Math.abs(e.getMinY()), Math.abs(e.getMaxY())));
    }

    private static String dims(CoordinateSequence s) {
        return "XY" + (s.hasZ() ? "Z" : "") + (s.hasM() ? "M" : "");
    }

    private static String show(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof byte[] b) {
            return "BLOB(" + b.length + " bytes)";
        }
        String type = v instanceof Long ? "INTEGER" : v instanceof Double ? "REAL" : v instanceof String ? "TEXT" : v.getClass().getSimpleName();
        return type + " " + (v instanceof String s ? "'" + s.replace("\n", "\\n") + "'" : v);
    }
}
