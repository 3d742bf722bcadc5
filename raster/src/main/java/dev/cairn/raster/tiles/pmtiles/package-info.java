/**
 * PMTiles v3 archives: {@link dev.cairn.raster.tiles.pmtiles.PmtilesWriter} exports a finished
 * MBTiles file into one, {@link dev.cairn.raster.tiles.pmtiles.PmtilesReader} reads one back, and
 * {@link dev.cairn.raster.tiles.pmtiles.TileId} maps z/x/y to the spec's Hilbert tile ids.
 */
package dev.cairn.raster.tiles.pmtiles;
