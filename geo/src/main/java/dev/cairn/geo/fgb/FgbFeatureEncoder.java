package dev.cairn.geo.fgb;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;

/**
 * Encodes one feature of a layer as FlatGeobuf stores it in the features section: a size-prefixed
 * {@code Feature} flatbuffer (uint32 LE length, then the table: geometry in the layer's header
 * type, properties by {@link PropertyCodec}). The one encoding of cairn's FlatGeobuf output, used
 * by {@link FlatGeobufSink} for a whole file and by the chunk parts ({@link FgbParts}) for each
 * chunk, so that both write the same bytes for the same feature.
 *
 * <p>An empty geometry (or one whose parts are all empty, see {@link FgbGeometry}) is written as
 * none and has no envelope. Not thread-safe: one encoder per writing thread; the returned buffer
 * is reused by the next call.
 */
final class FgbFeatureEncoder implements ChunkParts.Encoder {
    private final Path file;
    private final LayerDef layer;
    private final int headerType;
    private final FieldType[] types;
    private final String[] names;
    private final FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    private final PropertyCodec properties = new PropertyCodec();
    private Envelope envelope;

    /** @param file the output, named in messages */
    FgbFeatureEncoder(Path file, LayerDef layer) {
        this.file = file;
        this.layer = layer;
        this.headerType = FgbGeometry.headerType(layer.geometryKind());
        this.types = layer.fields().stream().map(FieldDef::type).toArray(FieldType[]::new);
        this.names = layer.fields().stream().map(FieldDef::name).toArray(String[]::new);
    }

    /**
     * The size-prefixed feature between the buffer's position and limit (valid until the next
     * call); {@link #envelope()} then tells its geometry's envelope.
     */
    @Override
    public ByteBuffer encode(Feature feature) throws AssetFailure {
        builder.clear();
        int geometry = 0;
        envelope = null;
        try {
            Geometry g = FgbGeometry.withoutEmptyParts(feature.geometry());
            if (g != null && !g.isEmpty()) { // an empty geometry is written as none: see FgbGeometry
                geometry = FgbGeometry.write(builder, g, headerType);
                envelope = g.getEnvelopeInternal();
            }
            int n = properties.encodeInPlace(types, names, feature.values());
            // as Feature.createPropertiesVector, without copying the bytes out of the codec first
            int propsVector = n == 0 ? 0 : builder.createByteVector(properties.bytes(), 0, n);
            int root = org.wololo.flatgeobuf.generated.Feature.createFeature(builder, geometry, propsVector, 0);
            builder.finishSizePrefixed(root);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer \"" + layer.name() + "\", feature "
                    + feature.fid() + ": cannot write " + e.getMessage());
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot encode feature " + feature.fid() + " ("
                    + e.getMessage() + ")", e);
        }
        return builder.dataBuffer();
    }

    /** The envelope of the last encoded feature's geometry; null when it was written without one. */
    @Override
    public Envelope envelope() {
        return envelope;
    }
}
