package dev.cairn.cli.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.sqlite.SQLiteConfig;

/**
 * Reads GeoPackages with plain JDBC, independently of cairn's reader, to compare two output trees
 * feature by feature: same files, same feature layers, same columns, same fids, identical
 * attribute values, identical geometry blobs (or, where the bytes differ, geometries equal within
 * 1e-9). Differences are collected as readable lines, not thrown at the first one.
 */
final class GpkgCompare {
    private static final double TOLERANCE = 1e-9;
    private static final int MAX_REPORTED = 30;

    private final List<String> differences = new ArrayList<>();
    private long featuresCompared;

    /** Compares every file under {@code expectedRoot} with its twin under {@code actualRoot} (the checkpoint dir excluded). */
    static GpkgCompare trees(Path expectedRoot, Path actualRoot) throws IOException, SQLException {
        GpkgCompare c = new GpkgCompare();
        TreeSet<String> expected = outputFiles(expectedRoot);
        TreeSet<String> actual = outputFiles(actualRoot);
        if (!expected.equals(actual)) {
            c.report("output files differ: expected " + expected + ", got " + actual);
        }
        for (String rel : expected) {
            if (actual.contains(rel)) {
                c.compareFiles(expectedRoot.resolve(rel), actualRoot.resolve(rel));
            }
        }
        return c;
    }

    /** Compares one GeoPackage with another. */
    static GpkgCompare files(Path expected, Path actual) throws SQLException {
        GpkgCompare c = new GpkgCompare();
        c.compareFiles(expected, actual);
        return c;
    }

    List<String> differences() {
        return differences;
    }

    long featuresCompared() {
        return featuresCompared;
    }

    /** Regular files under {@code root}, relative, '/'-separated, without the {@code .cairn} checkpoint directory. */
    static TreeSet<String> outputFiles(Path root) throws IOException {
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(rel -> !rel.startsWith(".cairn/"))
                    .forEach(files::add);
        }
        return files;
    }

    /** Files anywhere under {@code root} whose name marks them as temp outputs of the atomic-commit protocol. */
    static List<Path> tempLeftovers(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().contains(".cairn-tmp")).toList();
        }
    }

    static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** {@code PRAGMA integrity_check} of an SQLite file: "ok" when it is sound. */
    static String integrityCheck(Path file) throws SQLException {
        try (Connection c = open(file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
            }
            return sb.toString();
        }
    }

    /** Names of the feature layers, sorted. */
    static List<String> featureLayers(Path file) throws SQLException {
        try (Connection c = open(file)) {
            return featureLayers(c);
        }
    }

    static long featureCount(Path file, String layer) throws SQLException {
        try (Connection c = open(file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(layer))) {
            return rs.getLong(1);
        }
    }

    /** Every row of {@code layer} ordered by fid, attributes only (the geometry column left out), values normalised. */
    static List<List<Object>> attributeRows(Path file, String layer) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = open(file); Statement s = c.createStatement()) {
            String geom = geometryColumn(c, layer);
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + quote(layer) + " ORDER BY 1")) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        if (!md.getColumnName(i).equalsIgnoreCase(geom)) {
                            row.add(normalise(rs.getObject(i)));
                        }
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private void compareFiles(Path expected, Path actual) throws SQLException {
        String name = actual.getFileName().toString();
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".gpkg")) {
            report(actual + ": unexpected non-GeoPackage output");
            return;
        }
        try (Connection e = open(expected); Connection a = open(actual)) {
            List<String> el = featureLayers(e);
            List<String> al = featureLayers(a);
            if (!el.equals(al)) {
                report(actual + ": layers " + al + ", expected " + el);
                return;
            }
            for (String layer : el) {
                compareLayer(actual + "#" + layer, e, a, layer);
            }
        }
    }

    private void compareLayer(String where, Connection e, Connection a, String layer) throws SQLException {
        String egc = geometryColumn(e, layer);
        String agc = geometryColumn(a, layer);
        if (!Objects.equals(egc, agc)) {
            report(where + ": geometry column " + agc + ", expected " + egc);
        }
        String sql = "SELECT * FROM " + quote(layer) + " ORDER BY 1";
        try (Statement es = e.createStatement(); Statement as = a.createStatement();
             ResultSet er = es.executeQuery(sql); ResultSet ar = as.executeQuery(sql)) {
            List<String> ec = columns(er.getMetaData());
            List<String> ac = columns(ar.getMetaData());
            if (!ec.equals(ac)) {
                report(where + ": columns " + ac + ", expected " + ec);
                return;
            }
            while (true) {
                boolean en = er.next();
                boolean an = ar.next();
                if (!en || !an) {
                    if (en != an) {
                        report(where + ": " + (en ? "fewer" : "more") + " features than expected (after " + featuresCompared + " compared)");
                    }
                    return;
                }
                featuresCompared++;
                Object fid = er.getObject(1);
                for (int i = 1; i <= ec.size(); i++) {
                    Object ev = normalise(er.getObject(i));
                    Object av = normalise(ar.getObject(i));
                    boolean geometry = ec.get(i - 1).equalsIgnoreCase(egc);
                    if (geometry ? !sameGeometry(ev, av) : !Objects.deepEquals(ev, av)) {
                        report(where + " fid " + fid + " column " + ec.get(i - 1) + ": " + show(av) + ", expected " + show(ev));
                        if (i == 1) {
                            return; // the fids are out of step: every further row would differ
                        }
                    }
                }
            }
        }
    }

    private static boolean sameGeometry(Object expected, Object actual) {
        if (Objects.deepEquals(expected, actual)) {
            return true;
        }
        if (!(expected instanceof byte[] eb) || !(actual instanceof byte[] ab)) {
            return false;
        }
        try {
            Geometry eg = decode(eb);
            Geometry ag = decode(ab);
            return eg.equalsExact(ag, TOLERANCE);
        } catch (ParseException | RuntimeException ex) {
            return false;
        }
    }

    /** Decodes a GeoPackage geometry blob: skips the "GP" header and its envelope, then reads the WKB. */
    static Geometry decode(byte[] blob) throws ParseException {
        if (blob.length < 8 || blob[0] != 'G' || blob[1] != 'P') {
            throw new ParseException("not a GeoPackage geometry blob");
        }
        int flags = blob[3];
        int envelope = (flags >> 1) & 0x07;
        int envelopeBytes = switch (envelope) {
            case 0 -> 0;
            case 1 -> 32;
            case 2, 3 -> 48;
            case 4 -> 64;
            default -> throw new ParseException("bad envelope indicator " + envelope);
        };
        int offset = 8 + envelopeBytes;
        return new WKBReader().read(Arrays.copyOfRange(blob, offset, blob.length));
    }

    /** The srs_id written in a geometry blob's header. */
    static int blobSrsId(byte[] blob) {
        ByteOrder order = (blob[3] & 1) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        return ByteBuffer.wrap(blob, 4, 4).order(order).getInt();
    }

    private static List<String> featureLayers(Connection c) throws SQLException {
        List<String> layers = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")) {
            while (rs.next()) {
                layers.add(rs.getString(1));
            }
        }
        return layers;
    }

    static String geometryColumn(Connection c, String layer) throws SQLException {
        try (var ps = c.prepareStatement("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?")) {
            ps.setString(1, layer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> columns(ResultSetMetaData md) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            names.add(md.getColumnName(i));
        }
        return names;
    }

    private static Object normalise(Object v) {
        return v instanceof Integer i ? Long.valueOf(i) : v instanceof Float f ? Double.valueOf(f) : v;
    }

    private static String show(Object v) {
        if (v instanceof byte[] b) {
            StringBuilder sb = new StringBuilder("x'");
            for (int i = 0; i < Math.min(b.length, 40); i++) {
                sb.append(String.format("%02x", b[i]));
            }
            return sb.append(b.length > 40 ? "…' (" + b.length + " bytes)" : "'").toString();
        }
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private void report(String difference) {
        if (differences.size() < MAX_REPORTED) {
            differences.add(difference);
        } else if (differences.size() == MAX_REPORTED) {
            differences.add("… more differences not shown");
        }
    }
}
