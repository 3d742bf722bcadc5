/**
 * cairn's TIFF/GeoTIFF/BigTIFF reader: {@link dev.cairn.raster.tiff.GeoTiffReader} opens a file
 * over a {@link dev.cairn.raster.io.ByteSource} and hands out its images
 * ({@link dev.cairn.raster.tiff.TiffImage}), read block by block through a bounded cache;
 * {@link dev.cairn.raster.tiff.TileDecoder} decodes single stored blocks (also for the COG
 * writer's overview builder). Everything else here is package-private.
 */
package dev.cairn.raster.tiff;
