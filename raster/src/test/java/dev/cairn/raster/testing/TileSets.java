package dev.cairn.raster.testing;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Tile sets of web-map tiles (an XYZ or TMS folder {@code z/x/y.png}, an MBTiles file) read as
 * {@code z/x/y → RGBA}, and the comparison of two of them: the oracle of the {@code tiles} job
 * against {@code gdal2tiles.py --xyz}.
 *
 * <p>Keys are always XYZ (row 0 at the north): a TMS folder and the {@code tile_row} of MBTiles
 * (TMS by the MBTiles 1.3 specification) are flipped with {@code y = 2^z - 1 - row} on reading.
 *
 * <p>Decoding goes through ImageIO (PNG, JPEG; WebP is not read). Every tile becomes 8-bit RGBA:
 * gray → (g, g, g, 255), gray+alpha → (g, g, g, a), RGB → (r, g, b, 255), RGBA as is, paletted
 * through its palette. The samples are taken from the decoded raster, not through
 * {@code BufferedImage.getRGB}, which would convert a gray PNG through a linear gray colour space
 * and change its values. The trap this avoids matters: gdal2tiles writes a 1-band source as
 * gray+alpha PNGs, GDAL's MBTiles driver writes fully opaque tiles as RGB PNGs without alpha.
 *
 * <p>Only the keys are held in memory: {@link #compare} reads one tile of each set at a time and
 * keeps one {@code double} per common tile, so that tile sets of 10⁴–10⁵ tiles compare in little
 * memory. A {@link TileSet} over MBTiles holds an open SQLite connection: close it. Not
 * thread-safe.
 */
public final class TileSets {

    private TileSets() {
    }

    /** A tile address, XYZ numbering; ordered by zoom, then column, then row. */
    public record TileKey(int z, int x, int y) implements Comparable<TileKey> {
        @Override
        public int compareTo(TileKey o) {
            int c = Integer.compare(z, o.z);
            if (c == 0) {
                c = Integer.compare(x, o.x);
            }
            return c != 0 ? c : Integer.compare(y, o.y);
        }

        /** {@code z/x/y}. */
        @Override
        public String toString() {
            return z + "/" + x + "/" + y;
        }
    }

    /** A decoded tile: {@code width × height} pixels, 4 bytes each (R, G, B, A), row by row. */
    public record Rgba(int width, int height, byte[] pixels) {
        /** The 4 channels of one pixel as 0–255 values. */
        public int[] pixel(int col, int row) {
            int i = (row * width + col) * 4;
            return new int[] {pixels[i] & 0xFF, pixels[i + 1] & 0xFF, pixels[i + 2] & 0xFF, pixels[i + 3] & 0xFF};
        }
    }

    /** The tiles of one set: its keys, known up front, and each tile decoded on demand. */
    public interface TileSet extends AutoCloseable {
        /** The tiles present, XYZ keys, sorted. */
        NavigableSet<TileKey> keys();

        /** The tile at {@code key}, decoded to RGBA. */
        Rgba read(TileKey key) throws IOException;

        /** Where the tiles come from, for messages. */
        String describe();

        @Override
        default void close() throws IOException {
        }
    }

    /** A tile's bytes that ImageIO cannot decode, or decodes to a layout this class does not map. */
    public static final class UndecodableTileException extends IOException {
        UndecodableTileException(String where, String why) {
            super(where + ": " + why);
        }
    }

    /** Two tiles of the same key with different sizes. */
    public static final class TileSizeMismatchException extends IOException {
        TileSizeMismatchException(TileKey key, Rgba expected, Rgba actual) {
            super("tile " + key + ": expected " + expected.width() + "x" + expected.height() + " pixels, actual "
                    + actual.width() + "x" + actual.height());
        }
    }

    /** A folder {@code z/x/y.png} (or .jpg/.jpeg), XYZ rows (row 0 at the north, as gdal2tiles --xyz). */
    public static TileSet xyzFolder(Path dir) throws IOException {
        return folder(dir, false);
    }

    /** A folder {@code z/x/y.png} with TMS rows (row 0 at the south, gdal2tiles without --xyz). */
    public static TileSet tmsFolder(Path dir) throws IOException {
        return folder(dir, true);
    }

    private static TileSet folder(Path dir, boolean tms) throws IOException {
        Map<TileKey, Path> files = new TreeMap<>();
        try (Stream<Path> zs = Files.list(dir)) {
            for (Path zDir : (Iterable<Path>) zs.filter(TileSets::isNumberedDir)::iterator) {
                int z = Integer.parseInt(zDir.getFileName().toString());
                try (Stream<Path> xs = Files.list(zDir)) {
                    for (Path xDir : (Iterable<Path>) xs.filter(TileSets::isNumberedDir)::iterator) {
                        int x = Integer.parseInt(xDir.getFileName().toString());
                        try (Stream<Path> ys = Files.list(xDir)) {
                            for (Path f : (Iterable<Path>) ys::iterator) {
                                String name = f.getFileName().toString();
                                int dot = name.lastIndexOf('.');
                                if (dot <= 0 || !isImageExtension(name.substring(dot + 1))
                                        || !name.substring(0, dot).matches("\\d+")) {
                                    continue;
                                }
                                int row = Integer.parseInt(name.substring(0, dot));
                                files.put(new TileKey(z, x, tms ? (1 << z) - 1 - row : row), f);
                            }
                        }
                    }
                }
            }
        }
        NavigableSet<TileKey> keys = Collections.unmodifiableNavigableSet(new TreeSet<>(files.keySet()));
        String what = (tms ? "TMS" : "XYZ") + " folder " + dir;
        return new TileSet() {
            @Override
            public NavigableSet<TileKey> keys() {
                return keys;
            }

            @Override
            public Rgba read(TileKey key) throws IOException {
                Path f = files.get(key);
                if (f == null) {
                    throw new IOException(what + " has no tile " + key);
                }
                return decode(Files.readAllBytes(f), f.toString());
            }

            @Override
            public String describe() {
                return what + " (" + keys.size() + " tiles)";
            }
        };
    }

    private static boolean isNumberedDir(Path p) {
        return Files.isDirectory(p) && p.getFileName().toString().matches("\\d+");
    }

    private static boolean isImageExtension(String ext) {
        String e = ext.toLowerCase(Locale.ROOT);
        return e.equals("png") || e.equals("jpg") || e.equals("jpeg");
    }

    /** An MBTiles file; its TMS {@code tile_row}s become XYZ rows. Close the set to close the file. */
    public static TileSet mbtiles(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no MBTiles file at " + file);
        }
        Connection c;
        NavigableSet<TileKey> keys = new TreeSet<>();
        try {
            c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT zoom_level, tile_column, tile_row FROM tiles")) {
                while (rs.next()) {
                    int z = rs.getInt(1);
                    keys.add(new TileKey(z, rs.getInt(2), (1 << z) - 1 - rs.getInt(3)));
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the tiles table of MBTiles " + file + ": " + e.getMessage(), e);
        }
        NavigableSet<TileKey> frozen = Collections.unmodifiableNavigableSet(keys);
        return new TileSet() {
            @Override
            public NavigableSet<TileKey> keys() {
                return frozen;
            }

            @Override
            public Rgba read(TileKey key) throws IOException {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?")) {
                    ps.setInt(1, key.z());
                    ps.setInt(2, key.x());
                    ps.setInt(3, (1 << key.z()) - 1 - key.y());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IOException("MBTiles " + file + " has no tile " + key);
                        }
                        return decode(rs.getBytes(1), file + " tile " + key);
                    }
                } catch (SQLException e) {
                    throw new IOException("cannot read tile " + key + " of MBTiles " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return "MBTiles " + file + " (" + frozen.size() + " tiles)";
            }

            @Override
            public void close() throws IOException {
                try {
                    c.close();
                } catch (SQLException e) {
                    throw new IOException("cannot close MBTiles " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Decodes a PNG or JPEG to 8-bit RGBA; {@code where} names it in messages. */
    public static Rgba decode(byte[] encoded, String where) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
        if (img == null) {
            throw new UndecodableTileException(where, "no ImageIO reader recognises these " + encoded.length
                    + " bytes (PNG and JPEG are read)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 4];
        if (img.getColorModel() instanceof IndexColorModel) {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w); // a palette holds sRGB entries: no conversion
            for (int i = 0; i < argb.length; i++) {
                out[i * 4] = (byte) (argb[i] >> 16);
                out[i * 4 + 1] = (byte) (argb[i] >> 8);
                out[i * 4 + 2] = (byte) argb[i];
                out[i * 4 + 3] = (byte) (argb[i] >>> 24);
            }
            return new Rgba(w, h, out);
        }
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        if (bits != 8 || bands < 1 || bands > 4) {
            throw new UndecodableTileException(where, bands + " bands of " + bits
                    + " bits; tiles are read as 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) bands of 8 bits");
        }
        int[] px = new int[bands];
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += 4) {
                r.getPixel(x, y, px);
                boolean gray = bands <= 2;
                out[i] = (byte) px[0];
                out[i + 1] = (byte) (gray ? px[0] : px[1]);
                out[i + 2] = (byte) (gray ? px[0] : px[2]);
                out[i + 3] = (byte) (bands == 2 ? px[1] : bands == 4 ? px[3] : 255);
            }
        }
        return new Rgba(w, h, out);
    }

    /**
     * Mean absolute difference of two tiles of the same size over the 4 channels of every pixel, a
     * pixel transparent (alpha 0) in both counting as equal whatever its colour.
     */
    public static double meanAbsoluteDifference(Rgba a, Rgba b) {
        return diff(a, b)[0];
    }

    /** {sum |Δ| / (pixels × 4), pixels with a different alpha, pixels}. */
    private static double[] diff(Rgba a, Rgba b) {
        byte[] p = a.pixels();
        byte[] q = b.pixels();
        long sum = 0;
        long alphaDiffers = 0;
        for (int i = 0; i < p.length; i += 4) {
            int pa = p[i + 3] & 0xFF;
            int qa = q[i + 3] & 0xFF;
            if (pa == 0 && qa == 0) {
                continue;
            }
            if (pa != qa) {
                alphaDiffers++;
                sum += Math.abs(pa - qa);
            }
            for (int k = 0; k < 3; k++) {
                sum += Math.abs((p[i + k] & 0xFF) - (q[i + k] & 0xFF));
            }
        }
        return new double[] {sum / (double) p.length, alphaDiffers, p.length / 4};
    }

    /**
     * Compares two tile sets tile by tile: the keys only in one, and for each common key the mean
     * absolute difference ({@link #meanAbsoluteDifference}) and the pixels whose alpha differs.
     * Reads one tile of each set at a time.
     */
    public static Comparison compare(TileSet expected, TileSet actual) throws IOException {
        NavigableSet<TileKey> onlyExpected = new TreeSet<>(expected.keys());
        onlyExpected.removeAll(actual.keys());
        NavigableSet<TileKey> onlyActual = new TreeSet<>(actual.keys());
        onlyActual.removeAll(expected.keys());
        SortedMap<TileKey, Double> mads = new TreeMap<>();
        long alphaDiffers = 0;
        long pixels = 0;
        for (TileKey k : expected.keys()) {
            if (!actual.keys().contains(k)) {
                continue;
            }
            Rgba e = expected.read(k);
            Rgba a = actual.read(k);
            if (e.width() != a.width() || e.height() != a.height()) {
                throw new TileSizeMismatchException(k, e, a);
            }
            double[] d = diff(e, a);
            mads.put(k, d[0]);
            alphaDiffers += (long) d[1];
            pixels += (long) d[2];
        }
        return new Comparison(expected.describe(), actual.describe(), Collections.unmodifiableNavigableSet(onlyExpected),
                Collections.unmodifiableNavigableSet(onlyActual), Collections.unmodifiableSortedMap(mads),
                alphaDiffers, pixels);
    }

    /**
     * The outcome of {@link #compare}: keys only in the expected set, only in the actual set, and
     * the per-tile mean absolute difference (0–255) of the tiles in both.
     */
    public record Comparison(String expectedSet, String actualSet, NavigableSet<TileKey> onlyInExpected,
            NavigableSet<TileKey> onlyInActual, SortedMap<TileKey, Double> madPerTile, long alphaDifferingPixels,
            long comparedPixels) {

        /** Both sets hold exactly the same keys. */
        public boolean sameTiles() {
            return onlyInExpected.isEmpty() && onlyInActual.isEmpty();
        }

        /** Tiles present in both sets. */
        public int inBoth() {
            return madPerTile.size();
        }

        /** The mean of the per-tile MADs, 0 when no tile is common. */
        public double meanMad() {
            return madPerTile.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        /** The largest per-tile MAD, 0 when no tile is common. */
        public double maxMad() {
            return madPerTile.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        /** The tile with the largest MAD (the first in key order among equals), null when none is common. */
        public TileKey maxMadTile() {
            TileKey worst = null;
            for (Map.Entry<TileKey, Double> e : madPerTile.entrySet()) {
                if (worst == null || e.getValue() > madPerTile.get(worst)) {
                    worst = e.getKey();
                }
            }
            return worst;
        }

        /** The share (0–1) of the compared pixels whose alpha differs between the two sets. */
        public double alphaDifferingShare() {
            return comparedPixels == 0 ? 0 : alphaDifferingPixels / (double) comparedPixels;
        }

        /** A few lines for an assertion message. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            s.append("expected ").append(expectedSet).append("\nactual   ").append(actualSet).append('\n');
            s.append(inBoth()).append(" tiles in both; ").append(onlyInExpected.size()).append(" only in expected")
                    .append(sample(onlyInExpected)).append("; ").append(onlyInActual.size()).append(" only in actual")
                    .append(sample(onlyInActual)).append('\n');
            s.append(String.format(Locale.ROOT, "per-tile MAD: mean %.4f, max %.4f at %s; alpha differs on %.4f%% of %d pixels",
                    meanMad(), maxMad(), maxMadTile(), 100 * alphaDifferingShare(), comparedPixels));
            return s.toString();
        }

        private static String sample(NavigableSet<TileKey> keys) {
            if (keys.isEmpty()) {
                return "";
            }
            StringBuilder s = new StringBuilder(" (");
            Iterator<TileKey> it = keys.iterator();
            for (int i = 0; i < 5 && it.hasNext(); i++) {
                s.append(i == 0 ? "" : ", ").append(it.next());
            }
            return s.append(keys.size() > 5 ? ", …)" : ")").toString();
        }
    }
}
