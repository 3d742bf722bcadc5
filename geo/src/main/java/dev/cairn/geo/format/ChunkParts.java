package dev.cairn.geo.format;

import dev.cairn.engine.AssetFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.locationtech.jts.geom.Envelope;

/**
 * How a format whose file is written whole (an index before the features, as FlatGeobuf) is
 * written in chunks: each chunk encodes its own features in the format ({@link #encoder}) into a
 * part file of its own, on its worker, in parallel with the other chunks; the chunk that completes
 * the file merges the parts' bytes into the output ({@link #assemble}), decoding nothing. The part
 * files, their protocol and its crash cases are the chunk package's (PartChunkConverter); a format
 * only encodes features and lays encoded features out.
 *
 * <p>A format opts in through {@link FormatProvider#chunkParts()}; the chunks of the other
 * formats are staged in a GeoPackage that is exported when complete.
 */
public interface ChunkParts {

    /**
     * An encoder of the features of {@code layer} (the layer as written: in the target CRS, as the
     * unchunked conversion hands it to the format's sink), naming {@code output} in its messages.
     */
    Encoder encoder(LayerDef layer, Path output);

    /**
     * Writes the whole output at {@code temp} (created or truncated; made durable before this
     * returns) for {@code layer}, from the encoded features of every chunk, exactly as the
     * format's sink would have written it had it been given the same features in the same order.
     */
    void assemble(LayerDef layer, Records records, Path temp) throws IOException, AssetFailure;

    /** Encodes one feature at a time. Not thread-safe. */
    interface Encoder {
        /**
         * The bytes of {@code f} as the format stores one feature, between the position and the
         * limit of the returned buffer, which is valid until the next call.
         */
        ByteBuffer encode(Feature f) throws AssetFailure;

        /** The envelope of the last encoded feature's geometry (x/y), or null when it was written without one. */
        Envelope envelope();
    }

    /** The encoded features of every chunk of a file, in input order (chunk by chunk, each in its order). */
    interface Records {
        /** How many features. */
        long count();

        /** Calls {@code visitor} for every feature, in input order. */
        void forEach(Visitor visitor) throws IOException;

        /**
         * Puts the {@code length} bytes at {@code place} into {@code dst}, which has room for them:
         * one feature, or a range from the start of one feature to the end of a later one, with
         * whatever lies between them (the features in between, and the bytes that separate one
         * chunk's features from the next chunk's). Thread-safe: a format may copy with several
         * threads.
         */
        void read(long place, int length, ByteBuffer dst) throws IOException;

        /** One feature: its box (inverted, {@code maxX < minX}, when it has no geometry), where it is, its size in bytes. */
        @FunctionalInterface
        interface Visitor {
            void feature(double minX, double minY, double maxX, double maxY, long place, int length);
        }
    }
}
