package dev.cairn.raster.cog;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.pipeline.OrderedPipeline;
import dev.cairn.engine.pipeline.TransformPool;
import dev.cairn.raster.PixelBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Builds the overview levels of a COG in its {@link TileStore}: level 1 from the full-resolution
 * tiles (level 0), level 2 from level 1, and so on up to {@link CogLayout#levels()}, each level
 * from the one below it like {@code gdaladdo} does ("cascading"), with GDAL's nearest or average
 * kernel ({@link OverviewResampler}, which gives {@code gdaladdo}'s exact values). Written by hand
 * because the point is GDAL's exact numbers tile by tile; no Java imaging library reproduces
 * GDAL's ratios, weights, working types and rounding.
 *
 * <p>Tile (tx, ty) of level L reads the level-(L-1) pixels under it, which are the 2×2 tiles
 * (2tx..2tx+1, 2ty..2ty+1) when the level below has even sizes, and reach one pixel into the next
 * tile column/row (up to 3×3 tiles) when it has odd sizes, since GDAL then uses the ratio
 * {@code srcSize/dstSize}, not 2. Edge tiles are padded with the nodata value (else 0). A source
 * tile absent from the store reads as nodata (else 0), as GDAL reads a sparse tile.
 *
 * <p><b>Parallel, one level at a time</b>, through the engine's {@link OrderedPipeline}: the
 * calling thread reads from the store the compressed bytes of the ≤ 9 tiles an output tile needs,
 * the {@link TransformPool} decodes them, resamples and encodes, and the calling thread puts the
 * result, in row-major order. A level-(L-1) tile is decoded once even when two neighbouring output
 * tiles of a row need it (odd sizes): the reader hands both the same {@link FutureTask}, run by
 * whichever transform gets to it first. (Across rows, a shared tile row is decoded twice; with
 * even sizes nothing is shared, every tile is decoded exactly once.) The bytes written are those of
 * a serial build: each output tile is a pure function of the level below.
 *
 * <p><b>Memory</b> is bounded by the tiles in flight, {@link TransformPool#inFlight()} = 2 × cores
 * + 1 output tiles: each holds the compressed bytes of its ≤ 9 source tiles until it runs; each
 * running transform (one per core) holds ≤ 9 decoded source tiles, a window of ≤ (2·tileSize+2)²
 * pixels and the output tile; a finished one only its encoded bytes until it is put; the reader
 * keeps ≤ {@value #SHARED_TILES} source tiles for sharing. With T the bytes of one decoded tile
 * (768 KiB for 512² RGB uint8): at most cores × 14 T + 9 T decoded, plus the compressed bytes of
 * ≤ (2·cores + 1) × 9 source tiles and as many encoded ones — for 512² RGB uint8, even if no tile
 * compressed at all, ≈ 60 MiB on 2 cores and ≈ 200 MiB on 8, whatever the image size.
 *
 * <p><b>Threads:</b> only the calling thread touches the store (a store may be one SQLite
 * connection); the decoder and the encoder are called from pool threads and must be thread-safe.
 * Call it from one thread per COG, a thread of the caller's own (a job's worker), never from a
 * pool thread: the pipeline's calling thread waits for pool work. A level can be rebuilt alone ({@link #buildLevel}) after a
 * crash. On failure the level is left part-written (the caller rebuilds it) and the tiles still in
 * flight are cancelled: the store's or the decoder's {@link IOException} reaches the caller as it
 * was thrown, an interrupt as the engine's {@code StopRequestedException}.
 */
public final class OverviewBuilder {
    /** Source tiles the reader keeps for the next output tile of the row: its 3 shared ones, and slack. */
    private static final int SHARED_TILES = 9;

    private final CogLayout layout;
    private final TileStore store;
    private final TileDecoder decoder;
    private final TileEncoder encoder;
    private final Resampling resampling;

    private OverviewBuilder(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling) {
        this.layout = layout;
        this.store = store;
        this.decoder = decoder;
        this.encoder = encoder;
        this.resampling = resampling;
    }

    /** Builds every overview level (1..{@link CogLayout#levels()}) from the level-0 tiles in {@code store}. */
    public static void build(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling) throws IOException {
        OverviewBuilder b = new OverviewBuilder(layout, store, decoder, encoder, resampling);
        for (int level = 1; level <= layout.levels(); level++) {
            b.level(level);
        }
    }

    /** Builds one overview level from the level below it, which must be complete in {@code store}. */
    public static void buildLevel(CogLayout layout, TileStore store, TileDecoder decoder, TileEncoder encoder,
            Resampling resampling, int level) throws IOException {
        if (level < 1 || level > layout.levels()) {
            throw new IllegalArgumentException("overview level " + level + " outside 1.." + layout.levels());
        }
        new OverviewBuilder(layout, store, decoder, encoder, resampling).level(level);
    }

    private void level(int level) throws IOException {
        OverviewResampler kernel = new OverviewResampler(layout, level, resampling);
        Reader reader = new Reader(level, kernel);
        try {
            OrderedPipeline.run(reader, job -> job.run(kernel), this::put, "overview level " + level);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (AssetFailure e) {
            throw new IOException("overview level " + level + ": " + e.getMessage(), e);
        }
    }

    private void put(TileJob job) {
        try {
            if (job.failure != null) {
                throw job.failure;
            }
            store.put(job.level, job.tx, job.ty, job.encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calling thread's side: output tiles in row-major order, with their source tiles' bytes read. */
    private final class Reader implements OrderedPipeline.Reader<TileJob> {
        private final int level;
        private final OverviewResampler kernel;
        private final Map<Long, FutureTask<PixelBuffer>> shared = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, FutureTask<PixelBuffer>> e) {
                return size() > SHARED_TILES;
            }
        };
        private int next;

        Reader(int level, OverviewResampler kernel) {
            this.level = level;
            this.kernel = kernel;
        }

        @Override
        public TileJob read() {
            int across = layout.tilesAcross(level);
            if (next == across * layout.tilesDown(level)) {
                return null;
            }
            int tx = next % across, ty = next / across;
            next++;
            int t = layout.tileSize();
            TileJob job = new TileJob(level, tx, ty);
            int sx0 = kernel.srcX0(job.dx0), sx1 = kernel.srcX1(job.dx1 - 1);
            int sy0 = kernel.srcY0(job.dy0), sy1 = kernel.srcY1(job.dy1 - 1);
            job.window(sx0, sx1, sy0, sy1);
            for (int sty = sy0 / t; sty <= (sy1 - 1) / t; sty++) {
                for (int stx = sx0 / t; stx <= (sx1 - 1) / t; stx++) {
                    job.sources.add(new Source(stx, sty, source(stx, sty)));
                }
            }
            return job;
        }

        private FutureTask<PixelBuffer> source(int stx, int sty) {
            long key = InMemoryTileStore.key(level - 1, stx, sty);
            FutureTask<PixelBuffer> f = shared.get(key);
            if (f == null) {
                byte[] bytes;
                try {
                    bytes = store.get(level - 1, stx, sty);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                f = new FutureTask<>(() -> decode(level - 1, stx, sty, bytes));
                shared.put(key, f);
            }
            return f;
        }
    }

    private PixelBuffer decode(int level, int tx, int ty, byte[] bytes) throws IOException {
        int t = layout.tileSize();
        if (bytes == null) {
            PixelBuffer p = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
            p.fill(layout.padValue());
            return p;
        }
        PixelBuffer p = decoder.decode(bytes);
        if (p.width() != t || p.height() != t || p.bands() != layout.bands() || p.type() != layout.type()) {
            throw new IOException("tile " + level + "/" + tx + "/" + ty + " decoded to " + p.width() + "x"
                    + p.height() + "x" + p.bands() + " " + p.type() + ", the layout says " + t + "x" + t + "x"
                    + layout.bands() + " " + layout.type());
        }
        return p;
    }

    private record Source(int tx, int ty, FutureTask<PixelBuffer> pixels) {
    }

    /** One output tile on its way through the pipeline; after {@link #run} it holds only its bytes (or failure). */
    private final class TileJob {
        final int level, tx, ty;
        final int dx0, dx1, dy0, dy1;
        int sx0, sx1, sy0, sy1;
        List<Source> sources = new ArrayList<>(9);
        byte[] encoded;
        IOException failure;

        TileJob(int level, int tx, int ty) {
            int t = layout.tileSize();
            this.level = level;
            this.tx = tx;
            this.ty = ty;
            this.dx0 = tx * t;
            this.dx1 = Math.min(layout.width(level), dx0 + t);
            this.dy0 = ty * t;
            this.dy1 = Math.min(layout.height(level), dy0 + t);
        }

        void window(int sx0, int sx1, int sy0, int sy1) {
            this.sx0 = sx0;
            this.sx1 = sx1;
            this.sy0 = sy0;
            this.sy1 = sy1;
        }

        /** On a pool thread: decodes (or waits for) the sources, assembles the window, resamples, encodes. */
        TileJob run(OverviewResampler kernel) {
            int t = layout.tileSize();
            try {
                PixelBuffer w = PixelBuffer.allocate(layout.type(), sx1 - sx0, sy1 - sy0, layout.bands());
                for (Source s : sources) {
                    PixelBuffer src = pixels(s.pixels);
                    int x0 = Math.max(sx0, s.tx * t), x1 = Math.min(sx1, s.tx * t + t);
                    int y0 = Math.max(sy0, s.ty * t), y1 = Math.min(sy1, s.ty * t + t);
                    w.copyFrom(src, x0 - s.tx * t, y0 - s.ty * t, x1 - x0, y1 - y0, x0 - sx0, y0 - sy0);
                }
                PixelBuffer tile = PixelBuffer.allocate(layout.type(), t, t, layout.bands());
                tile.fill(layout.padValue());
                kernel.resample(w, sx0, sy0, tile, dx0, dy0, dx0, dx1, dy0, dy1);
                encoded = encoder.encode(tile);
            } catch (IOException e) {
                failure = e;
            } finally {
                sources = null; // the decoded tiles may go as soon as no neighbour needs them
            }
            return this;
        }

        private PixelBuffer pixels(FutureTask<PixelBuffer> f) throws IOException {
            f.run(); // decodes here unless another transform has (or is doing it: then get() waits)
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a tile of level " + (level - 1), e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw new IOException(io.getMessage(), io);
                }
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IOException(c);
            }
        }
    }
}
