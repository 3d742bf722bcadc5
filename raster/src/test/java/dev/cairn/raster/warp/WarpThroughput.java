package dev.cairn.raster.warp;

import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import java.util.OptionalDouble;
import org.opengis.referencing.operation.MathTransform;

/**
 * Throughput of the warper on one thread, run by hand (not a test): a 2000×2000 UINT8 source in
 * UTM 33N (30 m) warped to EPSG:4326 in 512×512 windows, output megapixels per second, on two
 * grids: gdalwarp's default (2360×1597: 0.8 output rows per source row, so bilinear and cubic
 * use GDAL's widened filter) and -tr 0.00025° (no widening: the 2×2 and 4×4 formulas).
 * Arguments: [resampling...] (default: all four).
 */
public final class WarpThroughput {
    public static void main(String[] args) throws Exception {
        int n = 2000;
        PixelBuffer px = GdalRasters.patterned(DataType.UINT8, n, n, 1, 1, 0);
        MemorySource src = new MemorySource(px, new GeoTransform(400000, 30, 0, 5300000, 0, -30), OptionalDouble.empty());
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode("EPSG:32633"), CrsResolver.forCode("EPSG:4326"))
                .transform();
        String[] kinds = args.length > 0 ? args : new String[] {"BILINEAR", "NEAREST", "CUBIC", "AVERAGE"};
        for (GridRequest request : new GridRequest[] {GridRequest.DEFAULT, GridRequest.resolution(0.00025)}) {
            OutputGrid grid = OutputGrid.plan(n, n, src.geoTransform(), mt, request);
            System.out.printf("grid %dx%d (%.1f Mpix)%n", grid.width(), grid.height(),
                    grid.width() * (double) grid.height() / 1e6);
            run(src, mt, grid, kinds);
        }
    }

    private static void run(MemorySource src, MathTransform mt, OutputGrid grid, String[] kinds) throws Exception {
        for (String k : kinds) {
            Warper warper = new Warper(src, mt, grid, WarpSettings.of(Resampling.valueOf(k)));
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                long sum = 0;
                for (int y = 0; y < grid.height(); y += 512) {
                    for (int x = 0; x < grid.width(); x += 512) {
                        PixelBuffer out = warper.warp(x, y, Math.min(512, grid.width() - x), Math.min(512, grid.height() - y));
                        sum += ((byte[]) out.array())[0];
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-8s round %d: %.3f s, %.1f Mpix/s (%d)%n", k, round, s,
                        grid.width() * (double) grid.height() / 1e6 / s, sum);
            }
        }
    }
}
