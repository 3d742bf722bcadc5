package dev.cairn.raster.tiles.pmtiles;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Exports a finished MBTiles file into a PMTiles v3 archive.
 *
 * <p>Written by hand from the v3 spec rather than taken from a library: the format is a header,
 * varint directories and blobs, and the one well-kept Java writer (planetiler's
 * {@code WriteablePmtiles}) would bring planetiler's whole engine (OSM, GeoTools, logging) into
 * the raster module. Planetiler's reader is the oracle of the tests.
 *
 * <p>File layout (offsets in bytes; the spec lets every section but the header move, and asks
 * only that header and root directory lie in the first 16 KiB):
 * <pre>
 *      0  header (127 bytes)
 *    127  root directory, gzip, ≤ 16 257 bytes; zeros up to 16 384
 *  16384  metadata: the MBTiles metadata as a JSON object, gzip ({@link MetadataJson})
 *      …  tile data: each distinct content once, in ascending tile id of its first use
 *      …  leaf directories, gzip each, in tile-id order (absent when the root holds every entry)
 * </pre>
 * Reserving the first 16 KiB lets the tile data stream straight into the output in one pass
 * (no copy through a temp file); the root, whose size is known only at the end, is written last.
 *
 * <p>Header: clustered; internal compression gzip; tile compression none; tile type from the
 * {@code format} row (png, jpg/jpeg, webp, avif); min/max zoom from {@code minzoom}/{@code maxzoom}
 * (when absent: the zooms of the first and last tile); bounds from {@code bounds} "w,s,e,n"
 * (absent: the Web Mercator world); center from {@code center} "lon,lat[,zoom]" (absent: the middle
 * of the bounds at the min zoom); degrees are stored × 10^7, rounded. Tiles with an empty blob are
 * left out (a PMTiles entry's length must be positive).
 *
 * <p>Deduplication: by {@code tile_id} when the file has {@code map} and {@code images}, else by
 * SHA-256 of the bytes; complete, not windowed ({@link ContentIndex}). Consecutive tile ids with
 * the same content become one entry with a run length.
 *
 * <p>Memory is bounded for tens of millions of tiles: SQLite sorts the tiles by id externally
 * ({@link MbtilesSource}), tile bytes are streamed one at a time, and the directory entries and
 * the content index are spilled to scratch files beside the output (deleted on return; about
 * 130 bytes per entry and per distinct content), plus SQLite's own temp files for the sort.
 * Measured: 1.4 M tiny tiles (zooms 0..10, a quarter of them one shared blob) exported in 15 s
 * with {@code -Xmx48m}; the protomaps Python reader read all of them back byte-identical.
 *
 * <p>Failure: an input rejected up front (no such file, no usable {@code format}) leaves {@code out}
 * untouched; a failure once writing has begun deletes the partial output (the caller's usual
 * write-to-temp-and-rename keeps the previous archive). The output is fsynced before returning. Thread-safe (no shared state).
 */
public final class PmtilesWriter {

    /** What an export wrote: counts as in the header, and the archive's size in bytes. */
    public record Summary(long addressedTiles, long tileEntries, long tileContents, long bytes) {
    }

    private static final String WORLD_BOUNDS = "-180,-85.05112878,180,85.05112878";

    private PmtilesWriter() {
    }

    /**
     * Writes the PMTiles v3 archive of every tile of {@code mbtiles} to {@code out} (created or
     * replaced, fsynced before returning).
     */
    public static Summary fromMbtiles(Path mbtiles, Path out) throws IOException, SQLException {
        Path target = out.toAbsolutePath();
        try (MbtilesSource source = MbtilesSource.open(mbtiles)) {
            Map<String, String> meta = source.metadata();
            int tileType = tileType(mbtiles, meta.get("format"));
            boolean done = false;
            try {
                Summary s = export(source, mbtiles, meta, tileType, target);
                done = true;
                return s;
            } finally {
                if (!done) {
                    Files.deleteIfExists(target);
                }
            }
        }
    }

    private static Summary export(MbtilesSource source, Path mbtiles, Map<String, String> meta, int tileType,
                                  Path target) throws IOException, SQLException {
        byte[] metadata = gzip(MetadataJson.of(meta).getBytes(StandardCharsets.UTF_8));
        long metadataOffset = Header.ROOT_LIMIT;
        long dataOffset = metadataOffset + metadata.length;
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".";
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             ContentIndex contents = new ContentIndex(dir, prefix);
             EntrySpill entries = new EntrySpill(dir, prefix)) {
            DirectoryLayout.writeFully(ch, ByteBuffer.wrap(metadata), metadataOffset);
            ch.position(dataOffset);
            DataPass pass = new DataPass(mbtiles, contents, entries);
            OutputStream data = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            try (MbtilesSource.Cursor cursor = source.cursor()) {
                pass.run(cursor, data);
            }
            data.flush(); // not closed: that would close the channel
            entries.finish();
            if (entries.count() == 0) {
                throw new InvalidMbtilesException(mbtiles, "has no tiles (or only empty ones);"
                        + " a PMTiles archive needs at least one");
            }
            long leavesOffset = dataOffset + pass.dataLength;
            DirectoryLayout.Result dirs = DirectoryLayout.write(entries, ch, leavesOffset);

            int minZoom = zoom(mbtiles, meta, "minzoom", (int) TileId.zxy(pass.firstId)[0]);
            int maxZoom = zoom(mbtiles, meta, "maxzoom", (int) TileId.zxy(pass.lastId)[0]);
            int[] b = bounds(mbtiles, meta.getOrDefault("bounds", WORLD_BOUNDS));
            int[] c = center(mbtiles, meta.get("center"), b, minZoom);
            Header header = new Header(Header.VERSION, Header.LENGTH, dirs.root().length,
                    metadataOffset, metadata.length,
                    leavesOffset, dirs.leavesLength(), dataOffset, pass.dataLength,
                    pass.addressed, entries.count(), pass.contents,
                    true, Header.COMPRESSION_GZIP, Header.COMPRESSION_NONE, tileType, minZoom, maxZoom,
                    b[0], b[1], b[2], b[3], c[2], c[0], c[1]);
            ByteBuffer start = ByteBuffer.allocate(Header.LENGTH + dirs.root().length);
            start.put(header.toBytes()).put(dirs.root()).flip();
            DirectoryLayout.writeFully(ch, start, 0);
            ch.force(true);
            return new Summary(pass.addressed, entries.count(), pass.contents, ch.size());
        }
    }

    /** One pass over the tiles in id order: writes each new content, spills entries with run lengths. */
    private static final class DataPass {
        private final Path mbtiles;
        private final ContentIndex index;
        private final EntrySpill entries;
        long dataLength;
        long addressed;
        long contents;
        long firstId = -1;
        long lastId = -1;

        DataPass(Path mbtiles, ContentIndex index, EntrySpill entries) {
            this.mbtiles = mbtiles;
            this.index = index;
            this.entries = entries;
        }

        void run(MbtilesSource.Cursor cursor, OutputStream data) throws IOException, SQLException {
            Directory.Entry pending = null;
            String pendingKey = null;
            while (cursor.next()) {
                long id = cursor.tileId();
                if (id == lastId) {
                    long[] zxy = TileId.zxy(id);
                    throw new InvalidMbtilesException(mbtiles, "holds tile " + zxy[0] + "/" + zxy[1] + "/"
                            + ((1L << zxy[0]) - 1 - zxy[2]) + " (z/x/tms row) twice; MBTiles allows one row a tile");
                }
                String key = cursor.key();
                if (pending != null && key.equals(pendingKey) && id == pending.tileId() + pending.runLength()) {
                    pending = new Directory.Entry(pending.tileId(), pending.offset(), pending.length(),
                            pending.runLength() + 1);
                    addressed++;
                    lastId = id;
                    continue;
                }
                long[] at = index.find(key);
                if (at == null) {
                    byte[] bytes = cursor.data();
                    at = new long[] {dataLength, bytes.length};
                    if (bytes.length > 0) {
                        data.write(bytes);
                        dataLength += bytes.length;
                        contents++;
                    }
                    index.put(key, at[0], at[1]);
                }
                lastId = id;
                if (at[1] == 0) {
                    continue;
                }
                if (firstId < 0) {
                    firstId = id;
                }
                addressed++;
                if (pending != null && pending.offset() == at[0] && id == pending.tileId() + pending.runLength()) {
                    pending = new Directory.Entry(pending.tileId(), pending.offset(), pending.length(),
                            pending.runLength() + 1);
                } else {
                    if (pending != null) {
                        entries.append(pending);
                    }
                    pending = new Directory.Entry(id, at[0], at[1], 1);
                }
                pendingKey = key;
            }
            if (pending != null) {
                entries.append(pending);
                lastId = pending.tileId() + pending.runLength() - 1;
            }
        }
    }

    private static int tileType(Path file, String format) throws InvalidMbtilesException {
        String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "png" -> Header.TILE_TYPE_PNG;
            case "jpg", "jpeg" -> Header.TILE_TYPE_JPEG;
            case "webp" -> Header.TILE_TYPE_WEBP;
            case "avif" -> Header.TILE_TYPE_AVIF;
            default -> throw new InvalidMbtilesException(file, format == null
                    ? "has no 'format' metadata row; expected png, jpg, webp or avif"
                    : "has format '" + format + "'; the PMTiles export takes png, jpg, webp or avif");
        };
    }

    private static int zoom(Path file, Map<String, String> meta, String name, int fallback) throws InvalidMbtilesException {
        String v = meta.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int z = Integer.parseInt(v.trim());
            if (z >= 0 && z <= TileId.MAX_ZOOM) {
                return z;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidMbtilesException(file, "has " + name + " '" + v + "'; expected an integer 0.." + TileId.MAX_ZOOM);
    }

    /** {@code {minLonE7, minLatE7, maxLonE7, maxLatE7}}. */
    private static int[] bounds(Path file, String v) throws InvalidMbtilesException {
        double[] d = numbers(file, "bounds", v, 4, 4, "w,s,e,n in degrees");
        return new int[] {e7(d[0]), e7(d[1]), e7(d[2]), e7(d[3])};
    }

    /** {@code {lonE7, latE7, zoom}}. */
    private static int[] center(Path file, String v, int[] bounds, int minZoom) throws InvalidMbtilesException {
        if (v == null) {
            return new int[] {(int) (((long) bounds[0] + bounds[2]) / 2), (int) (((long) bounds[1] + bounds[3]) / 2), minZoom};
        }
        double[] d = numbers(file, "center", v, 2, 3, "lon,lat,zoom");
        return new int[] {e7(d[0]), e7(d[1]), d.length == 3 ? (int) Math.round(d[2]) : minZoom};
    }

    private static double[] numbers(Path file, String name, String v, int min, int max, String rule)
            throws InvalidMbtilesException {
        String[] parts = v.split(",");
        if (parts.length >= min && parts.length <= max) {
            try {
                double[] d = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    d[i] = Double.parseDouble(parts[i].trim());
                    if (!Double.isFinite(d[i]) || Math.abs(d[i]) > 214) { // int32 of degrees × 10^7
                        throw new NumberFormatException();
                    }
                }
                return d;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new InvalidMbtilesException(file, "has " + name + " '" + v + "'; expected " + rule);
    }

    private static int e7(double degrees) {
        return (int) Math.round(degrees * 1e7);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(b)) {
            out.write(raw);
        }
        return b.toByteArray();
    }
}
