package dev.cairn.raster.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TilesOptionsTest {

    private static TilesOptions of(String out, int min, int max) {
        return new TilesOptions(List.of("/data/a.tif"), Path.of(out), min, max, null, new int[] {3, 2, 1},
                new double[] {0, 3000}, true);
    }

    @Test
    void theSpecRoundTripsAndNamesTheOptionsUsersType() {
        TilesOptions o = of("/out/set.mbtiles", 2, 9);
        assertThat(TilesOptions.fromSpec(o.toSpec())).isEqualTo(o);
        assertThat(o.toSpec().options()).containsEntry("--zoom", "2-9").containsEntry("--bands", "3,2,1")
                .containsEntry("--resampling", "average").containsEntry("--tms", "true");
        assertThat(o.target()).isEqualTo(TilesOptions.Target.MBTILES);
        assertThat(of("/out/set.PMTILES", 2, 9).target()).isEqualTo(TilesOptions.Target.PMTILES);
        assertThat(of("/out/folder", 2, 9).target()).isEqualTo(TilesOptions.Target.XYZ);
    }

    @Test
    void onlyAWiderZoomRangeWidensAJobAndTheWidenedJobRendersOnlyTheNewZooms() {
        TilesOptions o = of("/out/set.mbtiles", 5, 10);
        TilesOptions wider = o.widen(of("/out/set.mbtiles", 3, 12));
        assertThat(wider).isNotNull();
        assertThat(wider.made()).containsExactly(5, 10);
        assertThat(wider.renders(3)).isTrue();
        assertThat(wider.renders(5)).isFalse();
        assertThat(wider.renders(10)).isFalse();
        assertThat(wider.renders(11)).isTrue();
        assertThat(wider.renders(13)).isFalse();
        assertThat(TilesOptions.fromSpec(wider.toSpec())).isEqualTo(wider);
        assertThat(wider.asRequested()).isEqualTo(of("/out/set.mbtiles", 3, 12));
        // widened again later: everything of the widened job is made by then
        assertThat(wider.widen(of("/out/set.mbtiles", 3, 14)).made()).containsExactly(3, 12);

        assertThat(o.widen(of("/out/set.mbtiles", 5, 11))).isNotNull();
        assertThat(o.widen(of("/out/set.mbtiles", 5, 10))).isNull();
        assertThat(o.widen(of("/out/set.mbtiles", 6, 12))).isNull();
        assertThat(o.widen(of("/out/other.mbtiles", 3, 12))).isNull();
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> TilesOptions.parseZoom("14-x")).hasMessageContaining("--zoom 14-x");
        assertThatThrownBy(() -> of("/o", 9, 3)).hasMessageContaining("--zoom 9-3");
        assertThatThrownBy(() -> new TilesOptions(List.of("a.tif"), Path.of("o"), 0, 3, "lanczos", null, null, false))
                .hasMessageContaining("--resampling lanczos");
        assertThatThrownBy(() -> new TilesOptions(List.of("a.tif"), Path.of("o"), 0, 3, null, new int[] {1, 2}, null,
                false)).hasMessageContaining("--bands 1,2");
        assertThatThrownBy(() -> TilesOptions.parseScale("5")).hasMessageContaining("--scale 5");
        assertThat(TilesOptions.parseZoom("7")).containsExactly(7, 7);
    }
}
