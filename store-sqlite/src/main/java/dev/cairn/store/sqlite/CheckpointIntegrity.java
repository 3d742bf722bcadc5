package dev.cairn.store.sqlite;

import dev.cairn.engine.StoreException;
import dev.cairn.engine.UnusableCheckpointException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks a checkpoint passes before cairn trusts it, run at every open, read-only ones
 * included. A checkpoint that fails one is reported as an {@link UnusableCheckpointException}
 * naming the file and what is wrong, and is left byte for byte as it was (no connection that could
 * write it has been opened yet, or it only ran read-only PRAGMAs).
 *
 * <pre>
 *   check                                   catches
 *   size 0                                  a file truncated to nothing
 *   the 16-byte SQLite header               a file that is not SQLite at all, or overwritten from its start
 *   header page count x page size <= size   a truncated file (only without a -wal file: a running
 *                                           checkpoint may write page 1 before the pages after it)
 *   -wal frames (salts, checksums)          a damaged frame followed by intact frames of the same log,
 *                                           which SQLite would silently cut off there, losing the
 *                                           commits after it (a torn last frame, as after a power
 *                                           loss, is normal and passes)
 *   PRAGMA quick_check                      broken b-tree pages, truncated or overwritten page contents
 *   a schema_version table                  an SQLite file with no table, or another program's database
 * </pre>
 *
 * Not caught: bytes changed inside a row's values that still form a valid record (SQLite pages
 * carry no checksum). The -wal check reads the log while another process may be appending to it,
 * so a damaged frame must be seen three times, 200 ms apart, before it is reported.
 */
final class CheckpointIntegrity {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int WAL_MAGIC = 0x377f0682;
    private static final int WAL_HEADER = 32;
    private static final int FRAME_HEADER = 24;
    private static final int WAL_LOOKS = 3;
    private static final long WAL_LOOK_PAUSE_MILLIS = 200;

    private CheckpointIntegrity() {
    }

    /** The files of the checkpoint that exist: the database, then its -wal and -shm files. */
    static List<Path> files(Path file) {
        List<Path> files = new ArrayList<>();
        files.add(file);
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path p = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(p)) {
                files.add(p);
            }
        }
        return files;
    }

    /**
     * After a refused read-only open: removes the empty {@code -wal} file and the {@code -shm}
     * file SQLite created for it (a read-only connection cannot remove them on close), when
     * neither existed before, so that a refused checkpoint's directory is as it was.
     */
    static void removeEmptySidecars(Path file, List<Path> before) {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        Path shm = file.resolveSibling(file.getFileName() + "-shm");
        try {
            if (!before.contains(wal) && !before.contains(shm) && Files.exists(wal) && Files.size(wal) == 0) {
                Files.deleteIfExists(wal);
                Files.deleteIfExists(shm);
            }
        } catch (IOException ignored) {
            // only tidiness: the refusal is the answer
        }
    }

    static UnusableCheckpointException damaged(Path file, String what, Throwable cause) {
        return new UnusableCheckpointException("Checkpoint " + file + " is damaged: " + what
                + "; cairn left it unchanged.", files(file), cause);
    }

    /** An SQLException from opening or checking {@code file}, as a damaged checkpoint when SQLite says so. */
    static StoreException translateOpen(Path file, SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == 11) {
            return damaged(file, "SQLite reports \"database disk image is malformed\"", e);
        }
        if (primary == 26) {
            return damaged(file, "it is not an SQLite database", e);
        }
        return SqliteStore.translate(file, e, "open");
    }

    /** The checks on the files themselves, before SQLite opens them. */
    static void checkFiles(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw damaged(file, "it is empty (0 bytes)", null);
            }
            byte[] header = new byte[100];
            int read;
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(header, 0, header.length);
            }
            if (read < header.length || !java.util.Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0,
                    SQLITE_MAGIC.length)) {
                throw damaged(file, "it is not an SQLite database (its first bytes are not the SQLite header)", null);
            }
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            boolean walInUse = Files.exists(wal) && Files.size(wal) > 0;
            if (!walInUse) {
                checkSize(file, header, size);
            } else {
                checkWal(file, wal);
            }
        } catch (IOException e) {
            throw new StoreException("Cannot read checkpoint " + file + ": " + e + ".", e, false);
        }
    }

    private static void checkSize(Path file, byte[] header, long size) {
        ByteBuffer h = ByteBuffer.wrap(header);
        int pageSize = Short.toUnsignedInt(h.getShort(16));
        long pageSizeBytes = pageSize == 1 ? 65536 : pageSize;
        long pages = Integer.toUnsignedLong(h.getInt(28));
        boolean countValid = h.getInt(24) == h.getInt(92);
        if (countValid && pages > 0 && pages * pageSizeBytes > size) {
            throw damaged(file, "it is truncated (its header counts " + pages + " pages of " + pageSizeBytes
                    + " bytes, " + pages * pageSizeBytes + " bytes, but the file has " + size + ")", null);
        }
    }

    private static void checkWal(Path file, Path wal) throws IOException {
        String damage = walDamage(wal);
        for (int look = 1; damage != null && look < WAL_LOOKS; look++) {
            try {
                Thread.sleep(WAL_LOOK_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            damage = walDamage(wal);
        }
        if (damage != null) {
            throw damaged(file, "its write-ahead log " + wal.getFileName() + " " + damage, null);
        }
    }

    /**
     * What is wrong with the write-ahead log, or null. Layout (sqlite.org/fileformat.html, "WAL
     * file format"): a 32-byte header (magic, version, page size, checkpoint sequence, salt-1,
     * salt-2, checksum of the first 24 bytes), then frames of a 24-byte header (page number,
     * database size after a commit or 0, salt-1, salt-2, checksum) and one page. Each frame's
     * checksum continues the previous one's over the frame header's first 8 bytes and the page.
     */
    static String walDamage(Path wal) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(wal), 1 << 16))) {
            byte[] header = new byte[WAL_HEADER];
            try {
                in.readFully(header);
            } catch (EOFException e) {
                return "is shorter than its 32-byte header";
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            int magic = h.getInt(0);
            if ((magic & ~1) != WAL_MAGIC) {
                return "does not start with the WAL magic number";
            }
            ByteOrder order = (magic & 1) == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            int[] sum = checksum(order, new int[2], header, 0, 24);
            if (sum[0] != h.getInt(24) || sum[1] != h.getInt(28)) {
                return "has a damaged header (its checksum does not match)";
            }
            int pageSize = h.getInt(8);
            if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
                return "has a damaged header (page size " + pageSize + ")";
            }
            int salt1 = h.getInt(16);
            int salt2 = h.getInt(20);
            int[] seed = {sum[0], sum[1]};
            byte[] frame = new byte[FRAME_HEADER + pageSize];
            long firstBad = -1;
            for (long index = 1;; index++) {
                try {
                    in.readFully(frame);
                } catch (EOFException e) {
                    return null;
                }
                ByteBuffer f = ByteBuffer.wrap(frame);
                int[] s = checksum(order, seed.clone(), frame, 0, 8);
                s = checksum(order, s, frame, FRAME_HEADER, pageSize);
                boolean current = f.getInt(8) == salt1 && f.getInt(12) == salt2;
                boolean intact = current && s[0] == f.getInt(16) && s[1] == f.getInt(20);
                if (!intact && firstBad < 0) {
                    firstBad = index;
                } else if (intact && firstBad > 0) {
                    return "has a damaged frame " + firstBad + " followed by intact frames (SQLite would"
                            + " silently drop every commit from frame " + firstBad + " on)";
                }
                seed = new int[] {f.getInt(16), f.getInt(20)};
            }
        }
    }

    /** SQLite's WAL checksum (walChecksumBytes) of {@code len} bytes, a multiple of 8, continuing {@code s}. */
    private static int[] checksum(ByteOrder order, int[] s, byte[] b, int off, int len) {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len).order(order);
        int s0 = s[0];
        int s1 = s[1];
        for (int i = off; i < off + len; i += 8) {
            s0 += buf.getInt(i) + s1;
            s1 += buf.getInt(i + 4) + s0;
        }
        return new int[] {s0, s1};
    }

    /** {@code PRAGMA quick_check}: the b-tree structure of every page (O(N), no index cross-check). */
    static void quickCheck(Connection conn, Path file) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(3)")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        }
        if (!problems.equals(List.of("ok"))) {
            throw damaged(file, "SQLite's quick_check reports " + String.join("; ", problems).replace('\n', ' '), null);
        }
    }
}
