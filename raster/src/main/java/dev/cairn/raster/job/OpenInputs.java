package dev.cairn.raster.job;

import dev.cairn.raster.io.ByteSource;
import dev.cairn.raster.io.ByteSources;
import dev.cairn.raster.tiff.GeoTiffReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs open at the moment, shared by the windows that read them: one {@link GeoTiffReader}
 * (and its bounded block cache) per input, so that the windows of one output, which need
 * overlapping rows of source blocks, decode each block about once instead of once per window.
 *
 * <p>A window {@link #acquire}s its input and closes the lease when done. An input no window
 * holds stays open (its cache warm for the next window) until more than {@value #IDLE} inputs are
 * idle, then the least recently used is closed; memory is bounded by (windows in flight +
 * {@value #IDLE}) block caches. A local input whose version (size, modification time) changed
 * since it was opened is reopened, never read through a stale reader. Thread-safe.
 */
public final class OpenInputs {
    /** Idle readers kept open. */
    static final int IDLE = 2;

    /**
     * Block cache of each open input: an eighth of the heap, at most 64 MiB (enough for four
     * rows of 256² blocks across a 20000-pixel image) and at least 8 MiB; with {@code -Xmx256m}
     * 32 MiB, so that the windows in flight keep their room.
     */
    static final long CACHE_BYTES = Math.max(8L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));

    private final ByteSources sources;
    private final Map<String, Entry> open = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        final ByteSource source;
        final GeoTiffReader reader;
        final String version;
        int users;
        boolean retired;

        Entry(ByteSource source, GeoTiffReader reader, String version) {
            this.source = source;
            this.reader = reader;
            this.version = version;
        }
    }

    /** One window's hold on an open input; closing it releases the hold. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public ByteSource source() {
            return entry.source;
        }

        public GeoTiffReader reader() {
            return entry.reader;
        }

        /** The input's version when it was opened (what the plan key was computed from). */
        public String version() {
            return entry.version;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }

    public OpenInputs(ByteSources sources) {
        this.sources = sources;
    }

    /**
     * The open reader of {@code name}, opening it if needed.
     *
     * @throws IOException as {@link ByteSources#open} and {@link GeoTiffReader#open} throw them (a
     *                     TIFF format error, a missing file, an HTTP error)
     */
    public Lease acquire(String name) throws IOException {
        List<Entry> toClose = new ArrayList<>();
        try {
            synchronized (this) {
                Entry e = open.get(name);
                if (e != null && !WarpOptions.isUrl(name) && !e.source.version().equals(e.version)) {
                    open.remove(name); // the local file changed: never read it through the old reader
                    e.retired = true;
                    if (e.users == 0) {
                        toClose.add(e);
                    }
                    e = null;
                }
                if (e != null) {
                    e.users++;
                    return new Lease(e);
                }
            }
            Entry fresh = openEntry(name);
            synchronized (this) {
                Entry raced = open.get(name);
                if (raced != null && raced.version.equals(fresh.version)) {
                    toClose.add(fresh); // another window opened it meanwhile: share that one
                    raced.users++;
                    return new Lease(raced);
                }
                if (raced != null) {
                    raced.retired = true;
                    if (raced.users == 0) {
                        toClose.add(raced);
                    }
                }
                fresh.users = 1;
                open.put(name, fresh);
                return new Lease(fresh);
            }
        } finally {
            closeAll(toClose);
        }
    }

    private Entry openEntry(String name) throws IOException {
        ByteSource source = sources.open(name);
        try {
            String version = source.version();
            return new Entry(source, GeoTiffReader.open(source, CACHE_BYTES), version);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private void release(Entry entry) throws IOException {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            entry.users--;
            if (entry.users == 0 && entry.retired) {
                toClose.add(entry);
            }
            int idle = 0;
            for (Entry e : open.values()) {
                idle += e.users == 0 ? 1 : 0;
            }
            Iterator<Entry> it = open.values().iterator(); // least recently used first
            while (idle > IDLE && it.hasNext()) {
                Entry e = it.next();
                if (e.users == 0) {
                    it.remove();
                    toClose.add(e);
                    idle--;
                }
            }
        }
        closeAll(toClose);
    }

    /** Closes every idle input (at the end of a run). */
    public void closeIdle() throws IOException {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            Iterator<Entry> it = open.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.users == 0) {
                    it.remove();
                    toClose.add(e);
                }
            }
        }
        closeAll(toClose);
    }

    private static void closeAll(List<Entry> entries) throws IOException {
        IOException first = null;
        for (Entry e : entries) {
            try {
                e.reader.close(); // closes its source
            } catch (IOException x) {
                first = first == null ? x : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
