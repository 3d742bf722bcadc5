package dev.cairn.raster.tiff;

import dev.cairn.raster.io.ByteSource;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * cairn's TIFF/GeoTIFF/BigTIFF reader over a {@link ByteSource} (a local file or an HTTP URL):
 * opens the IFD chain, then reads pixels block by block, on demand.
 *
 * <p>Written by hand rather than with a library: no Java library on Maven Central reads the
 * matrix {@code cairn warp} needs (Apache SIS's GeoTIFF store lacks floating-point predictor 3,
 * ZSTD and JPEG; TwelveMonkeys fails on tiled window reads; mil.nga:tiff loads whole files and
 * gets predictor 2 wrong on big-endian files). Compression codecs come from the JDK (DEFLATE,
 * JPEG) and aircompressor (ZSTD); CRSs from Apache SIS through {@code CrsResolver}.
 *
 * <p>What it reads: classic TIFF and BigTIFF, either byte order; strips and tiles; compression
 * none, LZW, DEFLATE, PackBits, ZSTD, JPEG (8-bit grey/RGB/YCbCr); predictors 2 and 3;
 * 8- to 64-bit integer and float samples; any band count, contiguous or planar. Opening reads
 * the header and every IFD (offsets checked against the file size, cyclic chains refused); no
 * pixels are read until asked.
 *
 * <p>Memory: the images share one LRU cache of decoded blocks bounded by bytes
 * ({@link BlockCache#DEFAULT_BYTES}, 64 MiB, by default), so reading a 20000 × 20000 image window by
 * window needs the cache plus the windows in flight, never the image.
 *
 * <p>Masks (NewSubfileType bit 2) are listed (GDAL's 1-bit masks read as 0/255); a mask cairn cannot
 * decode is left out of {@link #images()}; any other image it cannot decode makes {@link #open} fail.
 *
 * <p>Thread-safe: several threads may read windows of the same image at once. {@link #close()}
 * closes the source.
 */
public final class GeoTiffReader implements Closeable {
    private final ByteSource source;
    private final List<TiffImage> images;
    private final BlockCache cache;

    private GeoTiffReader(ByteSource source, List<TiffImage> images, BlockCache cache) {
        this.source = source;
        this.images = images;
        this.cache = cache;
    }

    /** Opens with a 64 MiB block cache. */
    public static GeoTiffReader open(ByteSource source) throws IOException {
        return open(source, BlockCache.DEFAULT_BYTES);
    }

    /**
     * Opens the TIFF behind {@code source}.
     *
     * @param cacheBytes bound of the decoded-block cache, in bytes of samples
     * @throws TiffFormatException             not a TIFF, damaged, or an unsupported layout
     * @throws UnsupportedCompressionException a compression cairn does not decode
     */
    public static GeoTiffReader open(ByteSource source, long cacheBytes) throws IOException {
        TiffDirectory.Header h = TiffDirectory.readHeader(source);
        List<TiffDirectory> dirs = TiffDirectory.readChain(source, h);
        BlockCache cache = new BlockCache(cacheBytes);
        List<TiffImage> images = new ArrayList<>(dirs.size());
        for (int i = 0; i < dirs.size(); i++) {
            TiffDirectory d = dirs.get(i);
            try {
                images.add(new TiffImage(source, cache, i, h.order(), d));
            } catch (TiffFormatException e) {
                // GDAL's internal masks are 1-bit: leave them out rather than refuse the file
                if ((d.first(TiffDirectory.NEW_SUBFILE_TYPE, 0) & 4) == 0) {
                    throw e;
                }
            }
        }
        return new GeoTiffReader(source, List.copyOf(images), cache);
    }

    /** Every image of the file, in IFD order (full resolution, overviews, masks). */
    public List<TiffImage> images() {
        return images;
    }

    /** The first image that is neither a reduced-resolution version nor a mask. */
    public TiffImage image() {
        for (TiffImage i : images) {
            if (!i.isReducedResolution() && !i.isMask()) {
                return i;
            }
        }
        return images.get(0);
    }

    /** The reduced-resolution images (overviews) of {@link #image()}, largest first. */
    public List<TiffImage> overviews() {
        return images.stream().filter(i -> i.isReducedResolution() && !i.isMask())
                .sorted((a, b) -> Integer.compare(b.width(), a.width())).toList();
    }

    /** Bytes of decoded samples the block cache holds now (never more than its bound). */
    long cachedBytes() {
        return cache.usedBytes();
    }

    public String name() {
        return source.name();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
