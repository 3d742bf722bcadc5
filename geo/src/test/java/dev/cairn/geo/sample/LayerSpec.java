package dev.cairn.geo.sample;

import java.util.Objects;

/**
 * One feature layer of a generated GeoPackage.
 *
 * @param name     table name (also the layer name GDAL shows)
 * @param kind     geometry type
 * @param epsg     EPSG code of the layer's CRS; 0 writes the layer with GeoPackage's "undefined"
 *                 SRS (no CRS at all), its coordinates still in EPSG:2056's area
 * @param features number of features
 * @param withZ    whether geometries carry a Z coordinate
 */
public record LayerSpec(String name, GeometryKind kind, int epsg, int features, boolean withZ) {
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
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
