package dev.cairn.raster.job;

import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.raster.cog.CogLayout;
import dev.cairn.raster.cog.CogWriter;
import dev.cairn.raster.cog.OverviewBuilder;
import dev.cairn.raster.cog.Resampling;
import dev.cairn.raster.cog.TileEncoder;
import dev.cairn.raster.cog.TileStore;
import dev.cairn.raster.tiff.TileDecoder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Turns a finalised COG staging file ({@link StagedCog}: every full-resolution tile in) into the
 * output: builds the overview levels into the staging file (one transaction), writes the COG from
 * it into a temp file ({@link CogWriter}: IFDs first, overviews from the smallest, fsynced), and
 * renames it to the output ({@link AtomicFiles#commit}, the commit point: a reader never sees a
 * partial COG under the final name).
 *
 * <p><b>Idempotent</b>, because a crash may come anywhere: killed while building overviews, the
 * transaction rolls back and the next window to run (a redone one finds the file FINALISED)
 * builds them again; killed while writing the temp file, the temp is a leftover that the next
 * attempt removes; killed after the rename and before the staging file is deleted, the
 * published mark (written before the rename) tells the next attempt the output is complete.
 * Two windows publishing at once build the same overview bytes (INSERT OR REPLACE, serialised by
 * SQLite) and rename identical files, each from its own temp name.
 */
final class CogPublisher {
    private CogPublisher() {
    }

    /**
     * Publishes {@code output} from {@code stage}; {@code mark} is written (and fsynced) before the
     * rename; {@code tempId} makes this publisher's temp name its own. Returns the output's checksum.
     */
    static String publish(StagedCog stage, Path output, CogLayout layout, Resampling overviews, Path mark, int tempId)
            throws IOException, SQLException {
        TileStore tiles = stage.tiles();
        TileEncoder encoder = TileEncoder.forLayout(layout);
        int ts = layout.tileSize();
        dev.cairn.raster.cog.TileDecoder decoder = bytes -> TileDecoder.decode(bytes, layout.compression().tiffCode(),
                layout.predictor().tiffCode(), layout.type(), ts, ts, layout.bands(), ByteOrder.LITTLE_ENDIAN);
        stage.inTransaction(() -> OverviewBuilder.build(layout, tiles, decoder, encoder, overviews));
        AtomicFiles.removeLeftovers(output);
        Path temp = AtomicFiles.tempFor(output, tempId);
        boolean published = false;
        try {
            CogWriter.write(temp, layout, tiles);
            PublishedMarkers.mark(mark, output);
            String checksum = AtomicFiles.commit(temp, output);
            published = true;
            return checksum;
        } finally {
            if (!published) {
                Files.deleteIfExists(temp);
            }
        }
    }

}
