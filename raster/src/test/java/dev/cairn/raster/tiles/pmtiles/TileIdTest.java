package dev.cairn.raster.tiles.pmtiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TileIdTest {

    @ParameterizedTest(name = "{0}/{1}/{2} is id {3}")
    @CsvSource({
        // the table of the v3 spec, §4.1
        "0, 0, 0, 0",
        "1, 0, 0, 1",
        "1, 0, 1, 2",
        "1, 1, 1, 3",
        "1, 1, 0, 4",
        "2, 0, 0, 5",
        "12, 3423, 1763, 19078479",
        // the corners of zoom 31, as the reference implementation's zxy_to_tileid gives them
        "31, 0, 0, 1537228672809129301",
        "31, 0, 2147483647, 3074457345618258602",
        "31, 2147483647, 2147483647, 4611686018427387903",
        "31, 2147483647, 0, 6148914691236517204",
    })
    void theSpecsTileIdsMapBothWays(int z, long x, long y, long id) {
        assertThat(TileId.of(z, x, y)).isEqualTo(id);
        assertThat(TileId.zxy(id)).containsExactly(z, x, y);
    }

    @Test
    void everyZoomUpToSixIsABijectionOntoItsIdRange() {
        for (int z = 0; z <= 6; z++) {
            long first = TileId.firstIdOfZoom(z);
            Set<Long> ids = new HashSet<>();
            for (long x = 0; x < 1L << z; x++) {
                for (long y = 0; y < 1L << z; y++) {
                    long id = TileId.of(z, x, y);
                    assertThat(id).isBetween(first, first + (1L << 2 * z) - 1);
                    ids.add(id);
                }
            }
            assertThat(ids).hasSize(1 << 2 * z);
        }
    }

    @Test
    void neighboursOnTheCurveAreNeighboursOnTheMap() {
        for (long id = TileId.firstIdOfZoom(8); id < TileId.firstIdOfZoom(9) - 1; id++) {
            long[] a = TileId.zxy(id);
            long[] b = TileId.zxy(id + 1);
            assertThat(Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])).as("step from id %d", id).isEqualTo(1);
        }
    }

    @Test
    void randomTilesOfEveryZoomRoundTrip() {
        Random random = new Random(42);
        for (int z = 0; z <= TileId.MAX_ZOOM; z++) {
            for (int i = 0; i < 200; i++) {
                long x = random.nextLong() & ((1L << z) - 1);
                long y = random.nextLong() & ((1L << z) - 1);
                assertThat(TileId.zxy(TileId.of(z, x, y))).containsExactly(z, x, y);
            }
        }
    }

    @Test
    void tilesOutsideTheirZoomAndZoomsPast31AreRejected() {
        assertThatThrownBy(() -> TileId.of(2, 4, 0)).hasMessageContaining("2/4/0").hasMessageContaining("0..3");
        assertThatThrownBy(() -> TileId.of(2, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TileId.of(32, 0, 0)).hasMessageContaining("0..31");
        assertThatThrownBy(() -> TileId.zxy(TileId.END)).hasMessageContaining("zoom 0..31");
        assertThatThrownBy(() -> TileId.zxy(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
