package dev.cairn.geo.fgb;

import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.LayerDef;
import java.io.IOException;
import java.nio.file.Path;

/**
 * FlatGeobuf written in chunks ({@link ChunkParts}): a chunk's records are its features encoded
 * by {@link FgbFeatureEncoder} (size prefix included), exactly as {@link FlatGeobufSink} puts them
 * in its side file; assembling indexes every record by its box in input order and writes the
 * file through {@link FgbFileWriter}, as the sink's {@code finish} does. Same features in the same
 * order, same entries, same bytes: the chunked output equals the unchunked one byte for byte
 * (fids, i.e. ties of the Hilbert sort, in input order).
 */
final class FgbParts implements ChunkParts {

    @Override
    public Encoder encoder(LayerDef layer, Path output) {
        return new FgbFeatureEncoder(output, layer);
    }

    @Override
    public void assemble(LayerDef layer, Records records, Path temp) throws IOException {
        if (records.count() > Integer.MAX_VALUE) {
            throw new IOException(temp + ": " + records.count() + " features; a FlatGeobuf index holds at most "
                    + Integer.MAX_VALUE);
        }
        HilbertIndex index = new HilbertIndex((int) records.count());
        records.forEach((minX, minY, maxX, maxY, place, length) ->
                index.add(minX, minY, maxX, maxY, place, length - 4)); // the index counts the feature without its prefix
        FgbFileWriter.write(temp, layer, index, records::read);
    }
}
