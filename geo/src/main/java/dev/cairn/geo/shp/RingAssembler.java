package dev.cairn.geo.shp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.locationtech.jts.algorithm.Area;
import org.locationtech.jts.algorithm.PointLocation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Polygon;

/**
 * Groups the rings of one shapefile Polygon record into polygons.
 *
 * <p>A record is a flat list of rings. The specification says outer rings run clockwise and holes
 * counter-clockwise, and that a hole follows its shell, but real files break both rules. The
 * rules applied here are those of GDAL's shapefile driver ("only counter-clockwise rings are
 * holes"):
 * <ol>
 * <li>a single ring is a polygon whatever its orientation;</li>
 * <li>clockwise rings (positive signed area in JTS terms) are shells;</li>
 * <li>each counter-clockwise ring is a hole of the smallest shell that contains it, wherever it
 *     appears in the list; one that no shell contains becomes a polygon of its own;</li>
 * <li>when no ring is clockwise (a writer that ignored orientation), nesting decides: rings at
 *     an even depth of containment are shells, at an odd depth holes of their parent.</li>
 * </ol>
 * Containment is tested with one vertex of the hole that is not on the shell's boundary, after
 * an envelope check. The output keeps ring coordinates as read (no re-orientation), and lists
 * polygons in the order of their first ring. One polygon is returned as a Polygon, several as a
 * MultiPolygon.
 */
final class RingAssembler {
    private RingAssembler() {
    }

    private static final class Ring {
        final int index;
        final LinearRing ring;
        final double signedArea;
        final Envelope env;
        final List<LinearRing> holes = new ArrayList<>();
        Ring parent;
        int depth;

        Ring(int index, LinearRing ring) {
            this.index = index;
            this.ring = ring;
            this.signedArea = Area.ofRingSigned(ring.getCoordinates());
            this.env = ring.getEnvelopeInternal();
        }

        double area() {
            return Math.abs(signedArea);
        }
    }

    static Geometry assemble(List<LinearRing> rings, GeometryFactory gf) {
        if (rings.isEmpty()) {
            return gf.createMultiPolygon();
        }
        if (rings.size() == 1) {
            return gf.createPolygon(rings.get(0));
        }
        List<Ring> all = new ArrayList<>(rings.size());
        for (int i = 0; i < rings.size(); i++) {
            all.add(new Ring(i, rings.get(i)));
        }
        List<Ring> shells = new ArrayList<>();
        List<Ring> holes = new ArrayList<>();
        for (Ring r : all) {
            (r.signedArea >= 0 ? shells : holes).add(r);
        }
        List<Ring> outputs;
        if (shells.isEmpty()) {
            outputs = byNesting(all);
        } else {
            outputs = new ArrayList<>(shells);
            for (Ring h : holes) {
                Ring best = null;
                for (Ring s : shells) {
                    if ((best == null || s.area() < best.area()) && contains(s, h)) {
                        best = s;
                    }
                }
                if (best == null) {
                    outputs.add(h);
                } else {
                    best.holes.add(h.ring);
                }
            }
            outputs.sort(Comparator.comparingInt(r -> r.index));
        }
        Polygon[] polygons = new Polygon[outputs.size()];
        for (int i = 0; i < polygons.length; i++) {
            Ring r = outputs.get(i);
            polygons[i] = gf.createPolygon(r.ring, r.holes.toArray(new LinearRing[0]));
        }
        return polygons.length == 1 ? polygons[0] : gf.createMultiPolygon(polygons);
    }

    /** Rule 4: every ring's parent is the smallest ring containing it; depth parity decides. */
    private static List<Ring> byNesting(List<Ring> all) {
        List<Ring> bySize = new ArrayList<>(all);
        bySize.sort(Comparator.comparingDouble(Ring::area).reversed());
        List<Ring> outputs = new ArrayList<>();
        for (int i = 0; i < bySize.size(); i++) {
            Ring r = bySize.get(i);
            for (int j = i - 1; j >= 0; j--) {
                Ring candidate = bySize.get(j);
                if (contains(candidate, r) && (r.parent == null || candidate.area() < r.parent.area())) {
                    r.parent = candidate;
                }
            }
            r.depth = r.parent == null ? 0 : r.parent.depth + 1;
            if (r.depth % 2 == 0) {
                outputs.add(r);
            } else {
                r.parent.holes.add(r.ring);
            }
        }
        outputs.sort(Comparator.comparingInt(r -> r.index));
        return outputs;
    }

    private static boolean contains(Ring outer, Ring inner) {
        if (outer == inner || !outer.env.covers(inner.env)) {
            return false;
        }
        Coordinate[] shell = outer.ring.getCoordinates();
        Coordinate[] pts = inner.ring.getCoordinates();
        for (int i = 0; i < pts.length - 1; i++) {
            int loc = PointLocation.locateInRing(pts[i], shell);
            if (loc != Location.BOUNDARY) {
                return loc == Location.INTERIOR;
            }
        }
        return false; // every vertex on the boundary: a duplicate ring, not a hole
    }
}
