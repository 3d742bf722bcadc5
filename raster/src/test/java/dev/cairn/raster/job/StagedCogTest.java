package dev.cairn.raster.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging file as the COG writer's tile store: what its two passes read. */
class StagedCogTest {
    /** SQLite's OPFLAG_LENGTHARG: the OP_Column's value only feeds length(), so a BLOB's bytes are not loaded. */
    private static final int OPFLAG_LENGTHARG = 0x40;

    @TempDir
    Path dir;

    @Test
    void theSizesPassReadsTheLengthOfATileWithoutLoadingItsBytes() throws Exception {
        try (StagedCog stage = StagedCog.open(dir.resolve("s.cairn-stage"))) {
            try (Statement s = stage.connection().createStatement()) {
                s.execute(StagedCog.CREATE);
            }
            byte[] big = new byte[3_000_000]; // far beyond one page: the blob lives in overflow pages
            new Random(1).nextBytes(big);
            stage.put(0, List.of(new StagedCog.Tile(2, 1, big)));
            assertThat(stage.tiles().size(0, 2, 1)).isEqualTo(big.length);
            assertThat(stage.tiles().size(0, 1, 2)).isEqualTo(-1);
            assertThat(stage.tiles().get(0, 2, 1)).isEqualTo(big);

            int dataColumnReads = 0;
            try (Statement s = stage.connection().createStatement();
                    ResultSet plan = s.executeQuery("EXPLAIN " + StagedCog.SELECT_SIZE)) {
                while (plan.next()) {
                    // data is column 3 of cairn_cog_tiles (level, tx, ty, data)
                    if (plan.getString("opcode").equals("Column") && plan.getInt("p2") == 3) {
                        dataColumnReads++;
                        assertThat(plan.getInt("p5") & OPFLAG_LENGTHARG).as("p5 of the data column's read").isNotZero();
                    }
                }
            }
            assertThat(dataColumnReads).isEqualTo(1);
        }
    }
}
