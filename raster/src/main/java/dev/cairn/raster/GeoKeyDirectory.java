package dev.cairn.raster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GeoKeys of a GeoTIFF (tag 34735 {@code GeoKeyDirectoryTag}, with its double and ASCII
 * parameters from tags 34736 and 34737), decoded: key id → value, where the value is an
 * {@link Integer} (SHORT keys), a {@code double[]} or a {@link String}. The reader produces one
 * and resolves the CRS from it; the COG writer writes one.
 *
 * <p>Key ids as in OGC GeoTIFF 1.1, e.g. 1024 GTModelTypeGeoKey, 1025 GTRasterTypeGeoKey,
 * 2048 GeodeticCRSGeoKey (GeographicTypeGeoKey), 3072 ProjectedCRSGeoKey, 4096 VerticalGeoKey.
 */
public record GeoKeyDirectory(Map<Integer, Object> keys) {

    public static final int MODEL_TYPE = 1024;
    public static final int RASTER_TYPE = 1025;
    public static final int CITATION = 1026;
    public static final int GEODETIC_CRS = 2048;
    public static final int GEOG_CITATION = 2049;
    public static final int GEOG_ANGULAR_UNITS = 2054;
    public static final int PROJECTED_CRS = 3072;
    public static final int PROJ_CITATION = 3073;
    public static final int PROJ_LINEAR_UNITS = 3076;
    /** GTModelTypeGeoKey values. */
    public static final int MODEL_PROJECTED = 1, MODEL_GEOGRAPHIC = 2;
    /** GTRasterTypeGeoKey values. */
    public static final int PIXEL_IS_AREA = 1, PIXEL_IS_POINT = 2;
    /** The "user-defined" code of code-valued keys. */
    public static final int USER_DEFINED = 32767;

    public GeoKeyDirectory {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /**
     * The keys GDAL writes for a CRS known by its EPSG code: model type, PixelIsArea, and the
     * projected or geographic CRS code.
     */
    public static GeoKeyDirectory forEpsg(int code, boolean projected) {
        Map<Integer, Object> k = new LinkedHashMap<>();
        k.put(MODEL_TYPE, projected ? MODEL_PROJECTED : MODEL_GEOGRAPHIC);
        k.put(RASTER_TYPE, PIXEL_IS_AREA);
        k.put(projected ? PROJECTED_CRS : GEODETIC_CRS, code);
        return new GeoKeyDirectory(k);
    }

    public Integer intKey(int id) {
        return keys.get(id) instanceof Integer i ? i : null;
    }
}
