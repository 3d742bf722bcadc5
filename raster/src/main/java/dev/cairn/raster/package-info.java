/**
 * Raster jobs: GeoTIFF reading in blocks (local files and HTTP range requests,
 * {@code dev.cairn.raster.io}), the TIFF codecs ({@code dev.cairn.raster.tiff}), warping
 * ({@code dev.cairn.raster.warp}) and the Cloud-Optimized GeoTIFF writer
 * ({@code dev.cairn.raster.cog}). Pixels travel between them in {@link dev.cairn.raster.PixelBuffer}s.
 */
package dev.cairn.raster;
