package dev.cairn.raster.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WebMercatorTilesTest {

    @Test
    void zoomZeroIsOneTileOfTheWholeSquareWorld() {
        assertThat(WebMercatorTiles.resolution(0)).isCloseTo(156543.03392804097, within(1e-8));
        assertThat(WebMercatorTiles.cover(0, new double[] {-1e7, -1e7, 1e7, 1e7}))
                .isEqualTo(new WebMercatorTiles.TileRange(0, 0, 0, 0, 0));
    }

    @Test
    void rowsCountFromTheNorthAndFlipToTmsBothWays() {
        // a point just north-east of the origin is in the upper-right quadrant: XYZ row 0 of zoom 1
        WebMercatorTiles.TileRange r = WebMercatorTiles.cover(1, new double[] {10, 10, 20, 20});
        assertThat(r).isEqualTo(new WebMercatorTiles.TileRange(1, 1, 0, 1, 0));
        assertThat(WebMercatorTiles.flipY(1, 0)).isEqualTo(1);
        assertThat(WebMercatorTiles.flipY(5, WebMercatorTiles.flipY(5, 7))).isEqualTo(7);
        assertThat(WebMercatorTiles.north(1, 0)).isEqualTo(WebMercatorTiles.ORIGIN);
        assertThat(WebMercatorTiles.west(1, 1)).isCloseTo(0, within(1e-6));
    }

    @Test
    void anExtentStartingExactlyOnATileEdgeTakesTheTileBeforeItAsGdal2tilesDoes() {
        // gdal2tiles: tx = ceil(px / 256) - 1, so a west edge exactly on the boundary of column 2
        // yields column 1 as well (an empty tile there, which cairn then skips)
        int z = 3;
        double edge = WebMercatorTiles.west(z, 2);
        WebMercatorTiles.TileRange r = WebMercatorTiles.cover(z, new double[] {edge, -1000, edge + 1000, 1000});
        assertThat(r.minX()).isEqualTo(1);
        assertThat(r.maxX()).isEqualTo(2);
    }

    @Test
    void extentsBeyondTheWorldAreClampedToItsTiles() {
        double o = WebMercatorTiles.ORIGIN;
        WebMercatorTiles.TileRange r = WebMercatorTiles.cover(2, new double[] {-2 * o, -2 * o, 2 * o, 2 * o});
        assertThat(r).isEqualTo(new WebMercatorTiles.TileRange(2, 0, 0, 3, 3));
        assertThat(r.count()).isEqualTo(16);
    }

    @Test
    void degreesOfTheCornersOfTheWorld() {
        assertThat(WebMercatorTiles.lon(WebMercatorTiles.ORIGIN)).isCloseTo(180, within(1e-9));
        assertThat(WebMercatorTiles.lat(WebMercatorTiles.ORIGIN)).isCloseTo(85.0511287798, within(1e-9));
        assertThat(WebMercatorTiles.lat(0)).isCloseTo(0, within(1e-12));
    }
}
