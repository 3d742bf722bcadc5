package dev.cairn.geo.fgb;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.LayerDef;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one FlatGeobuf file with a packed Hilbert R-tree, in two passes.
 *
 * <p>Layout: see {@link FgbHeader}. The index must precede the features and the features must follow the index's Hilbert
 * order, so {@link #write} appends each encoded feature ({@link FgbFeatureEncoder}) to a side file
 * ({@code NAME.features}, next to the output) and keeps only its index entry ({@link HilbertIndex},
 * 44 bytes). {@link #finish} writes magic, header, tree, then copies the features from the side
 * file in Hilbert order, fsyncs the output ({@link FgbFileWriter}) and deletes the side file.
 * Disk: twice the output while finishing.
 *
 * <p>fids are not stored (FlatGeobuf has none): read back, a feature's fid is its position in
 * Hilbert order. A NULL geometry is kept (a feature without a geometry table, indexed by an
 * empty box); note that GDAL (3.6) itself drops such features when it writes FlatGeobuf, but
 * reads them. {@link #close} without {@link #finish} deletes the side file and leaves the
 * partial output for the caller to delete. Not thread-safe.
 *
 * <p>A layer without geometry ({@link dev.cairn.geo.format.GeometryKind#NONE}, a GeoPackage
 * attribute table) is written as GDAL's writer declares one: geometry type Unknown, no CRS, no
 * envelope, and no index (index node size 0: there is nothing to index), its features in input
 * order, each without a geometry table. GDAL (3.6) reads them; its writer drops them.
 */
final class FlatGeobufSink implements FeatureSink {
    private final Path file;
    private final Path side;
    private final HilbertIndex index = new HilbertIndex();
    private LayerDef layer;
    private FgbFeatureEncoder encoder;
    private OutputStream sideOut;
    private long sidePosition;
    private boolean ended;

    FlatGeobufSink(Path file) {
        this.file = file;
        this.side = file.resolveSibling(file.getFileName() + ".features");
    }

    @Override
    public void beginLayer(LayerDef def) throws AssetFailure {
        if (layer != null) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": FlatGeobuf holds one layer; cannot add layer \""
                    + def.name() + "\" after \"" + layer.name() + "\". Write one file per layer");
        }
        layer = def;
        encoder = new FgbFeatureEncoder(file, def);
        try {
            sideOut = new BufferedOutputStream(Files.newOutputStream(side), 1 << 16);
        } catch (IOException e) {
            throw io("cannot create " + side.getFileName(), e);
        }
    }

    @Override
    public void write(Feature feature) throws AssetFailure {
        if (layer == null || ended) {
            throw new IllegalStateException("write outside beginLayer/endLayer");
        }
        ByteBuffer bytes = encoder.encode(feature);
        int length = bytes.remaining() - 4;
        try {
            sideOut.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } catch (IOException e) {
            throw io("cannot write " + side.getFileName(), e);
        }
        index.add(encoder.envelope(), sidePosition, length);
        sidePosition += 4L + length;
    }

    @Override
    public void endLayer() throws AssetFailure {
        ended = true;
    }

    @Override
    public void finish() throws AssetFailure {
        if (layer == null) {
            throw new IllegalStateException("finish before beginLayer");
        }
        try {
            sideOut.close();
            try (FileChannel in = FileChannel.open(side, StandardOpenOption.READ)) {
                FgbFileWriter.write(file, layer, index, (place, n, dst) -> {
                    int end = dst.position() + n;
                    int limit = dst.limit();
                    dst.limit(end);
                    while (dst.hasRemaining()) {
                        if (in.read(dst, place + n - (end - dst.position())) < 0) {
                            throw new IOException(side.getFileName() + " ends early");
                        }
                    }
                    dst.limit(limit);
                });
            }
            Files.deleteIfExists(side);
        } catch (IOException e) {
            throw io("cannot write", e);
        }
    }

    private AssetFailure io(String what, IOException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, file + ": " + what + " (" + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        if (sideOut != null) {
            try {
                sideOut.close();
            } catch (IOException e) {
                // abandoned or already closed
            }
        }
        try {
            Files.deleteIfExists(side);
        } catch (IOException e) {
            // a leftover side file is harmless: the next run truncates it
        }
    }
}
