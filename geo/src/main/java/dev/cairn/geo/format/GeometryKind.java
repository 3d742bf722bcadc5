package dev.cairn.geo.format;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * The declared geometry type of a layer; {@link #GEOMETRY} means any (mixed), {@link #NONE} that
 * the layer has no geometry column at all: a table of attributes only (a GeoPackage attribute
 * table, {@code gpkg_contents.data_type = 'attributes'}; GDAL's {@code wkbNone}). Such a layer
 * has no CRS, every feature's geometry is null, and each format writes it as GDAL does: a
 * GeoPackage attribute table, a lone {@code .dbf}, GeoJSON features with {@code "geometry": null},
 * a FlatGeobuf without geometry type or index.
 */
public enum GeometryKind {
    POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION, GEOMETRY, NONE;

    /**
     * {@code g} as a geometry of this kind where it is the single counterpart of this multi kind
     * (a Polygon in a MULTIPOLYGON layer becomes a one-part MultiPolygon, an empty one an empty
     * MultiPolygon); otherwise {@code g} itself (also null). Shapefile layers are declared multi
     * but hold single parts too; formats with typed layers (GeoPackage, FlatGeobuf) require the
     * declared type, as ogr2ogr's promotion of Shapefile layers does.
     */
    public Geometry promote(Geometry g) {
        if (this == MULTIPOINT && g instanceof Point p) {
            return g.getFactory().createMultiPoint(p.isEmpty() ? new Point[0] : new Point[] {p});
        } else if (this == MULTILINESTRING && g instanceof LineString l) {
            return g.getFactory().createMultiLineString(l.isEmpty() ? new LineString[0] : new LineString[] {l});
        } else if (this == MULTIPOLYGON && g instanceof Polygon p) {
            return g.getFactory().createMultiPolygon(p.isEmpty() ? new Polygon[0] : new Polygon[] {p});
        }
        return g;
    }
}
