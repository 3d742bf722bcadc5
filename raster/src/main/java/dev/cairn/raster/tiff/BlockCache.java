package dev.cairn.raster.tiff;

import dev.cairn.raster.PixelBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded blocks of the images of one {@link GeoTiffReader}, least recently used first out,
 * bounded by the bytes of the samples held (not by a count of blocks, so a 64 MiB cache holds
 * 1024 256×256 byte tiles or 16 float64 1024×512 tiles). Memory never grows with the image: a
 * window read needs at most its own blocks in flight, and the cache evicts down to its bound after
 * every insert. A single block bigger than the whole bound is returned but not kept.
 *
 * <p>Thread-safe (one lock; the decoding itself happens outside it, so two threads asking for
 * the same missing block may both decode it — cheaper than making every reader wait).
 */
final class BlockCache {
    static final long DEFAULT_BYTES = 64L << 20;

    record Key(int image, int block) {
    }

    private final long capacity;
    private final LinkedHashMap<Key, PixelBuffer> map = new LinkedHashMap<>(64, 0.75f, true);
    private long used;

    BlockCache(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    synchronized PixelBuffer get(Key k) {
        return map.get(k);
    }

    synchronized void put(Key k, PixelBuffer b) {
        long size = bytes(b);
        if (size > capacity) {
            return;
        }
        PixelBuffer old = map.put(k, b);
        if (old != null) {
            used -= bytes(old);
        }
        used += size;
        Iterator<Map.Entry<Key, PixelBuffer>> it = map.entrySet().iterator();
        while (used > capacity && it.hasNext()) {
            Map.Entry<Key, PixelBuffer> e = it.next();
            used -= bytes(e.getValue());
            it.remove();
        }
    }

    synchronized long usedBytes() {
        return used;
    }

    private static long bytes(PixelBuffer b) {
        return (long) b.sampleCount() * b.type().bytes();
    }
}
