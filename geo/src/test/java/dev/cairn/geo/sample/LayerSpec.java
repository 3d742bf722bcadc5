package dev.cairn.geo.sample;

import dev.cairn.geo.format.GeometryKind;
import java.util.Objects;

/**
 * One feature layer of a generated GeoPackage.
 *
 * @param name     table name (also the layer name GDAL shows)
 * @param kind     declared geometry type; {@link GeometryKind#GEOMETRY} makes a mixed layer whose
 *                 features cycle through points, lines, polygons and their multi-geometries;
 *                 {@link GeometryKind#GEOMETRYCOLLECTION} is not generated
 * @param epsg     EPSG code of the layer's CRS; 0 writes the layer with GeoPackage's "undefined"
 *                 SRS (no CRS at all), its coordinates still in EPSG:2056's area
 * @param features number of features
 * @param withZ    whether geometries carry a Z coordinate
 */
public record LayerSpec(String name, GeometryKind kind, int epsg, int features, boolean withZ) {
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (kind == GeometryKind.GEOMETRYCOLLECTION) {
            throw new IllegalArgumentException("kind GEOMETRYCOLLECTION is not generated; GEOMETRY makes a mixed layer");
        }
        if (features < 0) {
            throw new IllegalArgumentException("features must be >= 0: " + features);
        }
        if (epsg < 0) {
            throw new IllegalArgumentException("epsg must be a positive EPSG code or 0 for no CRS: " + epsg);
        }
    }

    /** A 2D layer. */
    public LayerSpec(String name, GeometryKind kind, int epsg, int features) {
        this(name, kind, epsg, features, false);
    }
}
