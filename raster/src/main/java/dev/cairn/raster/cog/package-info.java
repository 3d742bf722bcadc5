/**
 * The Cloud-Optimized GeoTIFF writer of {@code cairn warp}: {@link dev.cairn.raster.cog.TileEncoder}
 * compresses full-resolution tiles on the workers, a {@link dev.cairn.raster.cog.TileStore} holds
 * them, {@link dev.cairn.raster.cog.OverviewBuilder} derives the overview levels tile by tile, and
 * {@link dev.cairn.raster.cog.CogWriter} writes the file with GDAL's COG layout. The shape of the
 * file is one {@link dev.cairn.raster.cog.CogLayout}.
 */
package dev.cairn.raster.cog;
