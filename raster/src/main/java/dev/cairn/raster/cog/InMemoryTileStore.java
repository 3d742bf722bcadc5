package dev.cairn.raster.cog;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tiles held on the heap: for tests and small rasters. Thread-safe; nothing survives the process.
 * Stores the arrays it is given (no copy): callers must not modify them after {@link #put}.
 */
public final class InMemoryTileStore implements TileStore {
    private final ConcurrentHashMap<Long, byte[]> tiles = new ConcurrentHashMap<>();

    static long key(int level, int tx, int ty) {
        return ((long) level << 56) | ((long) tx << 28) | ty;
    }

    @Override
    public byte[] get(int level, int tx, int ty) {
        return tiles.get(key(level, tx, ty));
    }

    @Override
    public void put(int level, int tx, int ty, byte[] compressed) {
        tiles.put(key(level, tx, ty), compressed);
    }

    @Override
    public int size(int level, int tx, int ty) {
        byte[] b = tiles.get(key(level, tx, ty));
        return b == null ? -1 : b.length;
    }

    /** Tiles held, all levels. */
    public int count() {
        return tiles.size();
    }
}
