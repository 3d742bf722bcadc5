package dev.cairn.raster.cog;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import java.util.OptionalDouble;

/**
 * The shape of one Cloud-Optimized GeoTIFF: what the warp job decides up front, and what the tile
 * producers, {@link OverviewBuilder} and {@link CogWriter} agree on.
 *
 * <p>Levels: level 0 is full resolution; level {@code L} is {@code width >> L} by
 * {@code height >> L} pixels (at least 1), and there are as many overview levels as GDAL's COG
 * driver makes: halving until the image fits in one tile ({@link #levels()}). <b>Trap:</b>
 * GDAL's COG driver truncates ({@code 1300 → 650 → 325 → 162}), while {@code gdaladdo} rounds up
 * ({@code … 325 → 163}); we follow the COG driver, so a level built from an odd-sized level is
 * not a clean 2×2 reduction (see {@link OverviewBuilder}).
 *
 * <p>Tiles: level {@code L} has {@link #tilesAcross(int)} × {@link #tilesDown(int)} tiles of
 * {@code tileSize}² pixels; tiles on the right and bottom edges are padded (with the nodata value,
 * else 0) to the full tile size, as GDAL does.
 *
 * <p>Compression level: {@link #deflateLevel} (1..9, default {@value #DEFAULT_DEFLATE_LEVEL}
 * like GDAL's {@code LEVEL}) is what {@link TileEncoder#forLayout} compresses every level with,
 * the full-resolution tiles and the overviews alike. It changes the bytes, not the pixels: a job
 * that lets the user choose it must make it part of what a resumed run has to agree on, or a
 * resumed output mixes levels (still valid, no longer byte-identical to an uninterrupted run).
 * It is ignored by the other compressions.
 *
 * @param geoTransform null for a raster without georeferencing
 * @param geoKeys      null for a raster without a CRS
 * @param alpha        the last band is an (unassociated) alpha band
 * @param deflateLevel zlib level of {@link Compression#DEFLATE} tiles, 1 (fastest) .. 9 (smallest)
 */
public record CogLayout(int width, int height, int bands, DataType type, int tileSize,
                        Compression compression, Predictor predictor, OptionalDouble nodata,
                        GeoTransform geoTransform, GeoKeyDirectory geoKeys, boolean alpha, int deflateLevel) {

    /** GDAL's COG default block size. */
    public static final int DEFAULT_TILE_SIZE = 512;

    /** GDAL's default DEFLATE level ({@code LEVEL=6}). */
    public static final int DEFAULT_DEFLATE_LEVEL = 6;

    public CogLayout {
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("DEFLATE level must be 1..9, got " + deflateLevel);
        }
        if (width < 1 || height < 1 || bands < 1) {
            throw new IllegalArgumentException("a COG needs at least 1x1 pixels and 1 band, got "
                    + width + "x" + height + "x" + bands);
        }
        if (tileSize < 16 || tileSize % 16 != 0) {
            throw new IllegalArgumentException("TIFF tile size must be a positive multiple of 16, got " + tileSize);
        }
        if (predictor == Predictor.FLOATING_POINT && !type.isFloatingPoint()) {
            throw new IllegalArgumentException("predictor 3 (floating point) applies to float32/float64 samples, not " + type);
        }
        if (alpha && bands < 2) {
            throw new IllegalArgumentException("an alpha band needs at least 2 bands, got " + bands);
        }
        if (compression == null || predictor == null || nodata == null || type == null) {
            throw new NullPointerException("type, compression, predictor and nodata (OptionalDouble.empty()) are required");
        }
    }

    /** A layout compressed at DEFLATE level {@value #DEFAULT_DEFLATE_LEVEL} (when DEFLATE). */
    public CogLayout(int width, int height, int bands, DataType type, int tileSize, Compression compression,
            Predictor predictor, OptionalDouble nodata, GeoTransform geoTransform, GeoKeyDirectory geoKeys,
            boolean alpha) {
        this(width, height, bands, type, tileSize, compression, predictor, nodata, geoTransform, geoKeys, alpha,
                DEFAULT_DEFLATE_LEVEL);
    }

    /** This layout with another DEFLATE level (1..9). */
    public CogLayout withDeflateLevel(int level) {
        return new CogLayout(width, height, bands, type, tileSize, compression, predictor, nodata, geoTransform,
                geoKeys, alpha, level);
    }

    /** A layout without georeferencing, nodata or alpha: DEFLATE, no predictor, 512² tiles. */
    public static CogLayout of(int width, int height, int bands, DataType type) {
        return new CogLayout(width, height, bands, type, DEFAULT_TILE_SIZE, Compression.DEFLATE, Predictor.NONE,
                OptionalDouble.empty(), null, null, false);
    }

    /** The number of overview levels (0 when the image fits in one tile), as GDAL's COG driver counts them. */
    public int levels() {
        int k = 0;
        while ((width >> k) > tileSize || (height >> k) > tileSize) {
            k++;
        }
        return k;
    }

    /** Width in pixels of level {@code level} (0 = full resolution). */
    public int width(int level) {
        return Math.max(1, width >> level);
    }

    /** Height in pixels of level {@code level}. */
    public int height(int level) {
        return Math.max(1, height >> level);
    }

    public int tilesAcross(int level) {
        return (width(level) + tileSize - 1) / tileSize;
    }

    public int tilesDown(int level) {
        return (height(level) + tileSize - 1) / tileSize;
    }

    /** The value edge tiles are padded with: the nodata value, else 0. */
    public double padValue() {
        return nodata.orElse(0);
    }

    /** TIFF Photometric (262): 2 (RGB) for 3 or 4 uint8 bands, else 1 (MINISBLACK). */
    int photometric() {
        return type == DataType.UINT8 && (bands == 3 || bands == 4) ? 2 : 1;
    }

    /** TIFF ExtraSamples (338): one per band beyond the colour ones; 2 (unassociated alpha) for the last if {@link #alpha}. */
    int[] extraSamples() {
        int n = bands - (photometric() == 2 ? 3 : 1);
        int[] extra = new int[Math.max(0, n)];
        if (alpha && n > 0) {
            extra[n - 1] = 2;
        }
        return extra;
    }
}
