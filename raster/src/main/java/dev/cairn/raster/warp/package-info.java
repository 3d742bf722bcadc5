/**
 * The reprojection kernel of {@code cairn warp}: {@link dev.cairn.raster.warp.OutputGrid} chooses
 * the output grid as gdalwarp does, {@link dev.cairn.raster.warp.Warper} produces any window of it
 * from a {@link dev.cairn.raster.warp.WarpSource} by inverse mapping (scanlines approximated
 * within 0.125 source pixels), with GDAL's nearest, bilinear, cubic and average kernels.
 *
 * <pre>
 *   WarpSource ──▶ OutputGrid.plan(size, geotransform, source→target, GridRequest)
 *              ──▶ new Warper(source, source→target, grid, WarpSettings)
 *              ──▶ warper.warp(x, y, w, h)  (any thread)  ──▶ PixelBuffer for the COG writer
 * </pre>
 *
 * Written by hand rather than with SIS's image resampling: that operation works on whole
 * {@code RenderedImage}s with its own tiling and nodata model, projects every pixel unless told
 * a positional accuracy (then 11–13 Mpix/s, against 18–40 here on one core), and does not reproduce gdalwarp's
 * grid, nodata and kernel rules, which the outputs are compared against.
 */
package dev.cairn.raster.warp;
