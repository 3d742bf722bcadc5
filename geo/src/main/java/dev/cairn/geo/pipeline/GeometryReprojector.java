package dev.cairn.geo.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

/**
 * Transforms the horizontal coordinates of a JTS geometry in place, all of them in one
 * {@link MathTransform#transform(double[], int, double[], int, int)} call; Z and M are carried
 * through unchanged.
 *
 * <p><b>Heights.</b> A geometry whose coordinates carry Z goes through the 3D variant of the
 * operation ({@code CrsResolver.Operation#withHeights}) with z as an ellipsoidal height (a
 * missing height counts as 0, as in PROJ), so that x and y agree with PROJ/ogr2ogr; the
 * transformed height is dropped and z is written back unchanged, as ogr2ogr does.
 *
 * <p><b>Failures.</b> A finite coordinate that comes out non-finite is outside the domain of the
 * transformation: a {@link TransformException} naming it. NaN input coordinates (an empty point
 * written as NaN) stay NaN.
 *
 * <p>Not thread-safe: buffers are reused, one instance per thread.
 */
public final class GeometryReprojector {
    private final MathTransform transform;
    private final Supplier<MathTransform> transform3dSource;
    private MathTransform transform3d;
    private boolean transform3dKnown;
    private final List<CoordinateSequence> sequences = new ArrayList<>();
    private double[] xy = new double[512];

    /**
     * @param transform   horizontal transform on (x = east, y = north); null or identity to leave
     *                    coordinates alone
     * @param transform3d gives the same on (x, y, ellipsoidal height) or null; asked once, when
     *                    the first geometry with Z comes (finding that transform is slow)
     */
    public GeometryReprojector(MathTransform transform, Supplier<MathTransform> transform3d) {
        this.transform = transform == null || transform.isIdentity() ? null : transform;
        this.transform3dSource = this.transform == null ? () -> null : transform3d;
    }

    private MathTransform transform3d() {
        if (!transform3dKnown) {
            transform3d = transform3dSource.get();
            transform3dKnown = true;
        }
        return transform3d;
    }

    /** True when {@link #transform} changes nothing. */
    public boolean isIdentity() {
        return transform == null;
    }

    /** Transforms {@code g} in place (and tells JTS its coordinates changed). */
    public void transform(Geometry g) throws TransformException {
        if (transform == null || g == null || g.isEmpty()) {
            return;
        }
        sequences.clear();
        collect(g);
        int n = 0;
        for (CoordinateSequence s : sequences) {
            n += s.size();
        }
        boolean heights = !sequences.isEmpty() && sequences.get(0).hasZ() && transform3d() != null;
        int dim = heights ? 3 : 2;
        if (xy.length < dim * n) {
            xy = new double[Math.max(dim * n, xy.length * 2)];
        }
        int k = 0;
        for (CoordinateSequence s : sequences) {
            for (int i = 0, size = s.size(); i < size; i++) {
                xy[k++] = s.getX(i);
                xy[k++] = s.getY(i);
                if (heights) {
                    double z = s.getZ(i);
                    xy[k++] = Double.isFinite(z) ? z : 0; // like PROJ: a missing height is 0
                }
            }
        }
        (heights ? transform3d : transform).transform(xy, 0, xy, 0, n);
        k = 0;
        for (CoordinateSequence s : sequences) {
            for (int i = 0, size = s.size(); i < size; i++) {
                double x = xy[k++];
                double y = xy[k++];
                k += dim - 2; // the transformed height is dropped: z is written unchanged
                if (!Double.isFinite(x) || !Double.isFinite(y)) {
                    double sx = s.getX(i);
                    double sy = s.getY(i);
                    if (Double.isFinite(sx) && Double.isFinite(sy)) {
                        throw new TransformException("coordinate (" + sx + ", " + sy
                                + ") is outside the domain of the transformation");
                    }
                }
                s.setOrdinate(i, 0, x);
                s.setOrdinate(i, 1, y);
            }
        }
        g.geometryChanged();
    }

    private void collect(Geometry g) {
        if (g instanceof Point p) {
            if (!p.isEmpty()) {
                sequences.add(p.getCoordinateSequence());
            }
        } else if (g instanceof LineString l) {
            sequences.add(l.getCoordinateSequence());
        } else if (g instanceof Polygon p) {
            if (!p.isEmpty()) {
                sequences.add(p.getExteriorRing().getCoordinateSequence());
                for (int i = 0; i < p.getNumInteriorRing(); i++) {
                    sequences.add(p.getInteriorRingN(i).getCoordinateSequence());
                }
            }
        } else if (g instanceof GeometryCollection c) {
            for (int i = 0; i < c.getNumGeometries(); i++) {
                collect(c.getGeometryN(i));
            }
        }
    }
}
