package dev.cairn.geo.gpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The packed R-tree against SQLite itself: its own integrity check, and window queries that must
 * return exactly what the same entries inserted row by row through the virtual table return.
 */
class RtreePackerTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 50, 51, 52, 101, 2601, 2602, 20_000, 132_651 + 7})
    void packedTreePassesRtreecheckAndAnswersLikeAnInsertedOne(int count) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.setAutoCommit(false);
            double[][] boxes = boxes(count, count);
            stage(c, boxes);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIRTUAL TABLE packed USING rtree(id, minx, maxx, miny, maxy)");
                s.execute("CREATE VIRTUAL TABLE inserted USING rtree(id, minx, maxx, miny, maxy)");
                s.execute("INSERT INTO inserted SELECT id, minx, maxx, miny, maxy FROM stage");
            }
            RtreePacker.pack(c, "packed", count, "SELECT id, minx, maxx, miny, maxy FROM stage ORDER BY key");
            assertEquals("ok", check(c, "packed"));
            assertEquals(count, scalar(c, "SELECT count(*) FROM packed"));
            assertEquals(count, scalar(c, "SELECT count(*) FROM packed_rowid"));

            Random random = new Random(count);
            for (int q = 0; q < 200; q++) {
                double x = random.nextDouble() * 360 - 180;
                double y = random.nextDouble() * 180 - 90;
                double w = random.nextDouble() * (q % 10 == 0 ? 200 : 5);
                assertEquals(window(c, "inserted", x, y, w), window(c, "packed", x, y, w), "window " + q);
            }
            // every entry's stored box contains its double box (outward rounding)
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT p.id, p.minx <= st.minx, p.maxx >= st.maxx, p.miny <= st.miny,"
                         + " p.maxy >= st.maxy FROM packed p JOIN stage st ON st.id = p.id")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    for (int i = 2; i <= 5; i++) {
                        assertTrue(rs.getBoolean(i), "entry " + rs.getLong(1) + " column " + i);
                    }
                }
                assertEquals(count, rows);
            }
        }
    }

    @Test
    void packedTreeTakesLaterInsertsUpdatesAndDeletes() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.setAutoCommit(false);
            stage(c, boxes(5_000, 7));
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIRTUAL TABLE packed USING rtree(id, minx, maxx, miny, maxy)");
            }
            RtreePacker.pack(c, "packed", 5_000, "SELECT id, minx, maxx, miny, maxy FROM stage ORDER BY key");
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM packed WHERE id % 3 = 0");
                s.execute("UPDATE packed SET minx = minx + 1, maxx = maxx + 1 WHERE id % 3 = 1");
                for (int i = 0; i < 2_000; i++) {
                    s.execute("INSERT INTO packed VALUES (" + (100_000 + i) + ", " + (i % 90) + ", " + (i % 90 + 1)
                            + ", " + (i % 45) + ", " + (i % 45 + 0.5) + ")");
                }
            }
            assertEquals("ok", check(c, "packed"));
            assertEquals(scalar(c, "SELECT count(*) FROM stage WHERE id % 3 != 0") + 2_000,
                    scalar(c, "SELECT count(*) FROM packed"));
            assertEquals(1, scalar(c, "SELECT count(*) FROM packed WHERE id = 100000 AND minx = 0"));
            assertEquals(0, scalar(c, "SELECT count(*) FROM packed_rowid WHERE rowid % 3 = 0 AND rowid < 100000"));
        }
    }

    @Test
    void emptyStageLeavesTheEmptyTree() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.setAutoCommit(false);
            stage(c, new double[0][]);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIRTUAL TABLE packed USING rtree(id, minx, maxx, miny, maxy)");
            }
            RtreePacker.pack(c, "packed", 0, "SELECT id, minx, maxx, miny, maxy FROM stage ORDER BY key");
            assertEquals("ok", check(c, "packed"));
            assertEquals(0, scalar(c, "SELECT count(*) FROM packed"));
        }
    }

    @Test
    void roundsOutwardLikeSqlite() {
        double d = 0.1; // not a float: (float) 0.1 is above 0.1
        assertTrue(RtreePacker.down(d) <= d && RtreePacker.up(d) >= d);
        assertTrue(RtreePacker.down(-d) <= -d && RtreePacker.up(-d) >= -d);
        assertEquals(1.5f, RtreePacker.down(1.5));
        assertEquals(1.5f, RtreePacker.up(1.5));
        assertEquals(Math.nextDown(1.5f), RtreePacker.down(1.5 - 1e-12));
        assertEquals(Math.nextUp(1.5f), RtreePacker.up(1.5 + 1e-12));
    }

    @Test
    void sharesEntriesEvenly() {
        // 103 entries over 3 nodes of 51: 35, 34, 34, never 51, 51, 1
        assertEquals(List.of(35, 34, 34), shares(103, 3));
        assertEquals(List.of(51, 51), shares(102, 2));
    }

    private static List<Integer> shares(long total, int nodes) {
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            out.add(RtreePacker.share(total, nodes, n));
        }
        return out;
    }

    /** Random boxes, some degenerate (points), some with ids far from their order. */
    private static double[][] boxes(int count, long seed) {
        Random random = new Random(seed);
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            double x = random.nextDouble() * 360 - 180;
            double y = random.nextDouble() * 180 - 90;
            double w = i % 7 == 0 ? 0 : random.nextDouble() * 0.5;
            double h = i % 7 == 0 ? 0 : random.nextDouble() * 0.5;
            out[i] = new double[] {i % 2 == 0 ? i + 1 : 10_000_000L + i, x, x + w, y, y + h};
        }
        return out;
    }

    private static void stage(Connection c, double[][] boxes) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stage (key INTEGER, id INTEGER, minx REAL, maxx REAL, miny REAL, maxy REAL)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage VALUES (?, ?, ?, ?, ?, ?)")) {
            for (double[] b : boxes) {
                ps.setLong(1, GpkgWriter.zOrder((b[1] + b[2]) / 2, (b[3] + b[4]) / 2));
                ps.setLong(2, (long) b[0]);
                for (int i = 1; i <= 4; i++) {
                    ps.setDouble(i + 2, b[i]);
                }
                ps.executeUpdate();
            }
        }
    }

    private static List<Long> window(Connection c, String rtree, double x, double y, double w) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + rtree
                + " WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id")) {
            ps.setDouble(1, x);
            ps.setDouble(2, x + w);
            ps.setDouble(3, y);
            ps.setDouble(4, y + w / 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static String check(Connection c, String rtree) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT rtreecheck('" + rtree + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
