package dev.cairn.raster.tiles;

/**
 * The GoogleMapsCompatible tile matrix set (EPSG:3857, 256-pixel tiles, one tile at zoom 0), with
 * tile numbers as XYZ servers use them (row 0 at the north) and as TMS/MBTiles store them (row 0
 * at the south: {@code tmsRow = 2^z - 1 - y}).
 *
 * <pre>
 *   (-ORIGIN, ORIGIN) ┌──────────┬──────────┐   zoom 1: 2 × 2 tiles of 256 px
 *                     │ 1/0/0    │ 1/1/0    │   resolution(z) = 2 · ORIGIN / (256 · 2^z) metres/px
 *                     ├──────────┼──────────┤   tile (z, x, y) covers x · 256 · res .. +256 · res
 *                     │ 1/0/1    │ 1/1/1    │   east of -ORIGIN, and y · 256 · res .. south of ORIGIN
 *                     └──────────┴──────────┘ (ORIGIN, -ORIGIN)
 * </pre>
 *
 * <p><b>Which tiles cover an extent</b> follows gdal2tiles ({@code GlobalMercator.MetersToTile}):
 * the pixel coordinate of each corner at the zoom's resolution, {@code ceil(px / 256) - 1}, so an
 * extent ending exactly on a tile edge does not reach into the next tile, clamped to the zoom's
 * tiles. Using the same rule is what makes the two tools write the same set of tiles.
 */
public final class WebMercatorTiles {
    /** Half the circumference of the WGS 84 sphere used by EPSG:3857, in metres. */
    public static final double ORIGIN = 20037508.342789244;
    public static final int TILE_SIZE = 256;
    /** Zooms this tool renders; zoom 30 tiles would overflow the tile id of PMTiles beyond it. */
    public static final int MAX_ZOOM = 30;

    private WebMercatorTiles() {
    }

    /** Metres per pixel at {@code zoom}. */
    public static double resolution(int zoom) {
        return 2 * ORIGIN / (TILE_SIZE * (double) (1L << zoom));
    }

    /** Tiles along each axis at {@code zoom}. */
    public static long tilesAcross(int zoom) {
        return 1L << zoom;
    }

    /** West edge of tile column {@code x}, in metres. */
    public static double west(int zoom, long x) {
        return -ORIGIN + x * TILE_SIZE * resolution(zoom);
    }

    /** North edge of XYZ tile row {@code y}, in metres. */
    public static double north(int zoom, long y) {
        return ORIGIN - y * TILE_SIZE * resolution(zoom);
    }

    /** The TMS (MBTiles) row of XYZ row {@code y}, and back: the same formula both ways. */
    public static long flipY(int zoom, long y) {
        return (1L << zoom) - 1 - y;
    }

    /** A rectangle of tiles at one zoom, XYZ rows, bounds inclusive. */
    public record TileRange(int zoom, long minX, long minY, long maxX, long maxY) {
        public long count() {
            return (maxX - minX + 1) * (maxY - minY + 1);
        }

        public boolean contains(long x, long y) {
            return x >= minX && x <= maxX && y >= minY && y <= maxY;
        }
    }

    /**
     * The tiles of {@code zoom} that cover the extent (EPSG:3857 metres, {minX, minY, maxX, maxY}),
     * by gdal2tiles' rule (see the class comment).
     */
    public static TileRange cover(int zoom, double[] extent) {
        long last = tilesAcross(zoom) - 1;
        long minX = clamp(metersToTile(extent[0] + ORIGIN, zoom), last);
        long maxX = clamp(metersToTile(extent[2] + ORIGIN, zoom), last);
        long minTms = clamp(metersToTile(extent[1] + ORIGIN, zoom), last);
        long maxTms = clamp(metersToTile(extent[3] + ORIGIN, zoom), last);
        return new TileRange(zoom, minX, flipY(zoom, maxTms), maxX, flipY(zoom, minTms));
    }

    /** gdal2tiles' PixelsToTile(MetersToPixels): {@code ceil(px / 256) - 1}, px from the west/south edge. */
    private static long metersToTile(double metresFromEdge, int zoom) {
        double px = metresFromEdge / resolution(zoom);
        return (long) Math.ceil(px / TILE_SIZE) - 1;
    }

    private static long clamp(long v, long last) {
        return Math.max(0, Math.min(last, v));
    }

    /** Longitude (degrees) of an EPSG:3857 x. */
    public static double lon(double x) {
        return x / ORIGIN * 180.0;
    }

    /** Latitude (degrees) of an EPSG:3857 y. */
    public static double lat(double y) {
        return Math.toDegrees(2 * Math.atan(Math.exp(y / ORIGIN * Math.PI)) - Math.PI / 2);
    }
}
