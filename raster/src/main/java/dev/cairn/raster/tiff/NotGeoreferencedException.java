package dev.cairn.raster.tiff;

/**
 * A TIFF image that carries no CRS: no GeoKey directory (tag 34735), or one that names neither a
 * projected nor a geographic CRS. Assign one with {@code gdal_translate -a_srs EPSG:xxxx}.
 */
public final class NotGeoreferencedException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotGeoreferencedException(String message) {
        super(message);
    }
}
