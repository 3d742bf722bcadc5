package dev.cairn.geo.crs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import org.apache.sis.resources.embedded.EmbeddedResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EPSG answer cache gives back exactly what the EPSG database answered, without opening it,
 * and asks the database what it has not recorded. The questions are of the kinds Apache SIS asks:
 * database metadata, prepared statements re-executed with other parameters, typed getters, nulls.
 */
class ReplayingJdbcTest {

    private static final String CRS_BY_CODE = """
            SELECT COORD_REF_SYS_NAME, COORD_SYS_CODE, CMPD_HORIZCRS_CODE, SHOW_CRS, REMARKS
              FROM EPSG."Coordinate Reference System" WHERE COORD_REF_SYS_CODE = ?""";
    private static final String ELLIPSOID = """
            SELECT SEMI_MAJOR_AXIS, INV_FLATTENING, SEMI_MINOR_AXIS FROM EPSG."Ellipsoid" WHERE ELLIPSOID_CODE = ?""";

    @TempDir
    Path dir;

    private static DataSource derby() {
        return new EmbeddedResources().getResource("Embedded", 0);
    }

    /** Everything a session of questions sees, in order, as text with the exact bits of doubles. */
    private static List<String> session(DataSource ds, int... crsCodes) throws Exception {
        List<String> seen = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            seen.add(md.getURL() + " | " + md.getDatabaseProductName() + " | " + md.getIdentifierQuoteString());
            try (ResultSet rs = md.getTables(null, "EPSG", "Coordinate%", null)) {
                while (rs.next()) {
                    seen.add("table " + rs.getString("TABLE_NAME"));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(CRS_BY_CODE)) {
                for (int code : crsCodes) {
                    ps.setInt(1, code);
                    try (ResultSet rs = ps.executeQuery()) {
                        ResultSetMetaData meta = rs.getMetaData();
                        seen.add("columns " + meta.getColumnCount() + " " + meta.getColumnName(1));
                        while (rs.next()) {
                            int horizontal = rs.getInt(3);
                            boolean horizontalNull = rs.wasNull();
                            seen.add(code + ": " + rs.getString(1) + " cs " + rs.getInt(2) + " horizontal " + horizontal
                                    + " null " + horizontalNull + " show " + rs.getBoolean(4) + " remarks " + rs.getString("REMARKS"));
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(ELLIPSOID)) {
                ps.setInt(1, 7030); // WGS 84
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double minor = rs.getDouble(3);
                        seen.add("ellipsoid " + Double.doubleToRawLongBits(rs.getDouble(1)) + " "
                                + Double.doubleToRawLongBits(rs.getDouble(2)) + " " + minor + " " + rs.wasNull()
                                + " " + rs.getObject(2).getClass().getSimpleName());
                    }
                }
            }
        }
        return seen;
    }

    /** A data source that fails the test if the database is opened. */
    private static Callable<DataSource> forbidden(AtomicInteger opened) {
        return () -> {
            opened.incrementAndGet();
            throw new AssertionError("the database was opened");
        };
    }

    @Test
    void recordedAnswersAreReplayedExactlyWithoutOpeningTheDatabase() throws Exception {
        List<String> direct = session(derby(), 32632, 4326, 2056);
        assertThat(direct).anyMatch(s -> s.startsWith("32632: WGS 84 / UTM zone 32N"))
                .anyMatch(s -> s.startsWith("4326: WGS 84 cs 6422 horizontal 0 null true")) // not compound: null
                .anyMatch(s -> s.contains("remarks null"))
                .anyMatch(s -> s.startsWith("ellipsoid ") && s.endsWith(" Double"));

        Path file = dir.resolve("answers.bin");
        EpsgAnswers recording = new EpsgAnswers(file, "fp");
        assertThat(session(ReplayingJdbc.dataSource(ReplayingJdbcTest::derby, recording), 32632, 4326, 2056))
                .isEqualTo(direct);
        recording.save();

        EpsgAnswers reloaded = new EpsgAnswers(file, "fp");
        reloaded.load();
        AtomicInteger opened = new AtomicInteger();
        assertThat(session(ReplayingJdbc.dataSource(forbidden(opened), reloaded), 32632, 4326, 2056))
                .isEqualTo(direct);
        assertThat(opened).hasValue(0);
        assertThat(reloaded.hasMissed()).isFalse();
    }

    @Test
    void aQuestionNotRecordedIsAskedToTheDatabaseMidSessionAndRecorded() throws Exception {
        Path file = dir.resolve("answers.bin");
        EpsgAnswers answers = new EpsgAnswers(file, "fp");
        session(ReplayingJdbc.dataSource(ReplayingJdbcTest::derby, answers), 32632);
        int before = answers.size();

        // 27700 was never asked: the replay opens the database at that statement, with its parameter.
        List<String> mixed = session(ReplayingJdbc.dataSource(ReplayingJdbcTest::derby, answers), 32632, 27700);
        assertThat(mixed).isEqualTo(session(derby(), 32632, 27700));
        assertThat(answers.hasMissed()).isTrue();
        assertThat(answers.size()).isGreaterThan(before);

        AtomicInteger opened = new AtomicInteger();
        assertThat(session(ReplayingJdbc.dataSource(forbidden(opened), answers), 32632, 27700)).isEqualTo(mixed);
        assertThat(opened).hasValue(0);
    }

    @Test
    void aFileOfAnotherDatasetOrDamagedIsIgnored() throws Exception {
        Path file = dir.resolve("answers.bin");
        EpsgAnswers answers = new EpsgAnswers(file, "dataset-a");
        session(ReplayingJdbc.dataSource(ReplayingJdbcTest::derby, answers), 4326);
        answers.save();
        assertThat(answers.size()).isPositive();

        EpsgAnswers other = new EpsgAnswers(file, "dataset-b");
        other.load();
        assertThat(other.size()).isZero();

        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        EpsgAnswers damaged = new EpsgAnswers(file, "dataset-a");
        damaged.load();
        assertThat(damaged.size()).isZero();
    }

    @Test
    void theFingerprintNamesSisTheDatasetAndDerby() throws Exception {
        String fp = EpsgAnswers.fingerprint();
        assertThat(fp).contains("sis 1.").contains("derby.serviceProtocol").contains("derby.version.major=10")
                .isEqualTo(EpsgAnswers.fingerprint());
        assertThat(EpsgAnswers.fileName(fp)).matches("epsg-answers-[0-9a-f]+\\.bin");
    }
}
