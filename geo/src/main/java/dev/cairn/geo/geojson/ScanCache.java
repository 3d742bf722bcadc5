package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The schema passes of this process, by file identity, so that the chunks of one huge GeoJSON
 * file do not each read the whole file again to learn its schema and index: the planner's pass
 * serves every chunk converted in the same process (a resumed process pays one pass, at
 * planning). An entry is keyed by the file's real path, size, modification time (nanoseconds
 * where the file system has them) and file key (inode), so a file changed in between is scanned
 * afresh, never served a stale schema. Bounded (least recently used first out); an entry is a
 * schema and an index of 8 bytes per 1,024 features. Thread-safe.
 */
final class ScanCache {
    private static final int MAX_ENTRIES = 32;

    private record Key(Path path, boolean sequence, long size, long mtimeNanos, Object fileKey) {
    }

    private static final Map<Key, Schema> SCHEMAS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Schema> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private ScanCache() {
    }

    /** The schema of {@code file}: cached if the same file was scanned before, else scanned now. */
    static Schema schema(Path file, boolean sequence) throws AssetFailure {
        Key key = key(file, sequence);
        if (key != null) {
            synchronized (SCHEMAS) {
                Schema cached = SCHEMAS.get(key);
                if (cached != null) {
                    return cached;
                }
            }
        }
        Schema schema = SchemaScanner.scan(file, sequence); // outside the lock: a pass may take minutes
        if (key != null && Objects.equals(key, key(file, sequence))) { // unchanged while it was read
            synchronized (SCHEMAS) {
                SCHEMAS.put(key, schema);
            }
        }
        return schema;
    }

    /** The identity of the file as it is now, or null if it cannot be read (the scan reports why). */
    private static Key key(Path file, boolean sequence) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Key(file.toRealPath(), sequence, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Forgets every entry (tests). */
    static void clear() {
        synchronized (SCHEMAS) {
            SCHEMAS.clear();
        }
    }
}
