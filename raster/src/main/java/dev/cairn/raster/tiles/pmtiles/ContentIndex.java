package dev.cairn.raster.tiles.pmtiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each distinct tile content already sits in the tile data section: dedup key → (offset,
 * length). Every key is kept, in a scratch SQLite file (journal off, 16 MiB page cache) in front
 * of which sits an LRU of the {@value #HOT} most recently used keys. So deduplication is complete
 * (an ocean tile met again three zoom levels later still shares its blob — an LRU alone would miss
 * such far repeats), memory is bounded, and disk use is about 100 bytes per distinct content.
 *
 * <p>The scratch file is created in the given directory and deleted by {@link #close()}; it holds
 * nothing that survives a crash (the export starts over). Not thread-safe.
 */
final class ContentIndex implements AutoCloseable {

    private static final int HOT = 4096;

    private final Path scratch;
    private final Connection db;
    private final PreparedStatement find;
    private final PreparedStatement insert;
    private final Map<String, long[]> hot = new LinkedHashMap<>(HOT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > HOT;
        }
    };

    ContentIndex(Path directory, String prefix) throws IOException, SQLException {
        scratch = Files.createTempFile(directory, prefix, ".contents.sqlite");
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + scratch.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode = OFF");
                s.execute("PRAGMA synchronous = OFF");
                s.execute("PRAGMA cache_size = -16000");
                s.execute("CREATE TABLE content(key TEXT PRIMARY KEY, offset INTEGER, length INTEGER) WITHOUT ROWID");
            }
            db.setAutoCommit(false);
            find = db.prepareStatement("SELECT offset, length FROM content WHERE key = ?");
            insert = db.prepareStatement("INSERT INTO content(key, offset, length) VALUES (?, ?, ?)");
        } catch (SQLException | RuntimeException e) {
            Files.deleteIfExists(scratch);
            throw e;
        }
    }

    /** {@code {offset, length}} of {@code key}'s blob, or null when first met. */
    long[] find(String key) throws SQLException {
        long[] hit = hot.get(key);
        if (hit != null) {
            return hit;
        }
        find.setString(1, key);
        try (ResultSet r = find.executeQuery()) {
            if (r.next()) {
                hit = new long[] {r.getLong(1), r.getLong(2)};
                hot.put(key, hit);
            }
        }
        return hit;
    }

    void put(String key, long offset, long length) throws SQLException {
        insert.setString(1, key);
        insert.setLong(2, offset);
        insert.setLong(3, length);
        insert.executeUpdate();
        hot.put(key, new long[] {offset, length});
    }

    @Override
    public void close() throws IOException, SQLException {
        try {
            db.close();
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
