package dev.cairn.raster.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import org.junit.jupiter.api.Test;

class RgbaImageTest {

    private static RgbaImage square(int... rgbaOf4Pixels) {
        byte[] px = new byte[16];
        for (int i = 0; i < 16; i++) {
            px[i] = (byte) rgbaOf4Pixels[i];
        }
        return new RgbaImage(2, 2, px);
    }

    @Test
    void averageHalvingIsTheRoundedMeanOfEachChannelAlphaIncludedUnweightedAsGdal2tilesDoes() {
        RgbaImage img = square(10, 20, 30, 255, 11, 20, 30, 255, 0, 0, 0, 0, 12, 21, 31, 255);
        RgbaImage half = img.halve(false);
        assertThat(half.width).isEqualTo(1);
        // (10+11+0+12+2)/4 = 8, (20+20+0+21+2)/4 = 15, (30+30+0+31+2)/4 = 23, (765+2)/4 = 191
        assertThat(half.px).containsExactly(8, 15, 23, 191);
    }

    @Test
    void nearestHalvingKeepsTheTopLeftPixelOfEachBlock() {
        RgbaImage img = square(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        assertThat(img.halve(true).px).containsExactly(1, 2, 3, 4);
    }

    @Test
    void paintTakesTheWarpersAlphaAndScalesOtherTypes() {
        PixelBuffer strip = PixelBuffer.allocate(DataType.UINT16, 2, 1, 2);
        strip.set(0, 0, 0, 1000);
        strip.set(0, 0, 1, 255); // has data
        strip.set(1, 0, 0, 3000);
        strip.set(1, 0, 1, 0); // outside the source
        RgbaImage img = new RgbaImage(2, 1);
        img.paint(strip, 0, 0, new RgbaImage.BandMap(new int[] {0}, -1, 0, 2000));
        // 1000 of 0..2000 → 127.5 → 128, grey in R, G and B, opaque; the second pixel stays transparent
        assertThat(img.px).containsExactly(128, 128, 128, 255, 0, 0, 0, 0);
        assertThat(img.isEmpty()).isFalse();
        assertThat(img.isOpaque()).isFalse();
    }

    @Test
    void aSourceAlphaBandOfZeroLeavesThePixelTransparent() {
        PixelBuffer strip = PixelBuffer.allocate(DataType.UINT8, 2, 1, 5); // RGBA + warper alpha
        byte[] a = (byte[]) strip.array();
        byte[] pixels = {10, 20, 30, (byte) 200, (byte) 255, 40, 50, 60, 0, (byte) 255};
        System.arraycopy(pixels, 0, a, 0, pixels.length);
        RgbaImage img = new RgbaImage(2, 1);
        img.paint(strip, 0, 0, new RgbaImage.BandMap(new int[] {0, 1, 2}, 3, 0, 0));
        assertThat(img.px).containsExactly(10, 20, 30, (byte) 200, 0, 0, 0, 0);
    }

    @Test
    void cropAndPlaceAreInverse() {
        RgbaImage big = new RgbaImage(4, 4);
        for (int i = 0; i < big.px.length; i++) {
            big.px[i] = (byte) i;
        }
        RgbaImage part = big.crop(2, 2, 2);
        RgbaImage back = new RgbaImage(4, 4);
        back.place(part, 2, 2);
        assertThat(back.crop(2, 2, 2).px).isEqualTo(part.px);
        assertThat(part.px[0]).isEqualTo(big.px[(2 * 4 + 2) * 4]);
    }

    @Test
    void pngOfAnOpaqueAndOfATranslucentTileDecodesToTheSamePixels() {
        RgbaImage opaque = new RgbaImage(256, 256);
        RgbaImage translucent = new RgbaImage(256, 256);
        for (int i = 0; i < opaque.px.length; i += 4) {
            opaque.px[i] = (byte) (i % 251);
            opaque.px[i + 1] = (byte) (i % 13);
            opaque.px[i + 2] = (byte) (i % 7);
            opaque.px[i + 3] = (byte) 255;
            System.arraycopy(opaque.px, i, translucent.px, i, 4);
            if (i % 5 == 0) {
                translucent.px[i + 3] = (byte) 100;
            }
        }
        assertThat(PngTiles.decode(PngTiles.encode(opaque)).px).isEqualTo(opaque.px);
        assertThat(PngTiles.decode(PngTiles.encode(translucent)).px).isEqualTo(translucent.px);
    }
}
