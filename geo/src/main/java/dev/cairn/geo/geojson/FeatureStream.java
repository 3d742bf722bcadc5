package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Walks the features of a GeoJSON file one at a time, without reading ahead.
 *
 * <p>Two layouts: a {@code FeatureCollection} (the {@code "features"} array of the root object is
 * streamed; other root members go to a {@link RootMemberHandler}), or a sequence of root-level
 * Feature objects (GeoJSON text sequences, and a file holding one bare Feature, which is a
 * sequence of one). {@link #nextFeature()} leaves the parser on the {@code START_OBJECT} of the
 * next feature; the caller must consume exactly that object. Not thread-safe.
 */
final class FeatureStream implements Closeable {

    /** Receives root members other than {@code "features"}, the parser on their value. */
    interface RootMemberHandler {
        /** Must consume the value (e.g. {@code p.skipChildren()}). */
        void member(String name, JsonParser p) throws IOException;
    }

    private static final RootMemberHandler SKIP = (name, p) -> p.skipChildren();

    private final JsonParser parser;
    private final boolean sequence;
    private final RootMemberHandler handler;
    private boolean started;
    private boolean ended;
    private boolean seeked;
    private int featureArrays;

    private FeatureStream(JsonParser parser, boolean sequence, RootMemberHandler handler) {
        this.parser = parser;
        this.sequence = sequence;
        this.handler = handler;
    }

    static FeatureStream open(Path file, boolean sequence) throws IOException {
        return open(file, sequence, SKIP);
    }

    static FeatureStream open(Path file, boolean sequence, RootMemberHandler handler) throws IOException {
        return new FeatureStream(JsonInput.open(file, sequence), sequence, handler);
    }

    /**
     * A stream that starts at the feature whose {@code '{'} is at {@code byteOffset} (an entry of a
     * {@link FeatureIndex}). In a FeatureCollection the parser reads {@code "["} followed by the
     * file from there, so the rest of the {@code "features"} array parses as an array; the stream
     * ends with that array and never looks at the root members after it. Token locations count
     * from the seek point (+1 for the {@code "["}), not from the start of the file.
     */
    static FeatureStream openAt(Path file, boolean sequence, long byteOffset) throws IOException {
        FeatureStream stream = new FeatureStream(JsonInput.openAt(file, sequence, byteOffset), sequence, SKIP);
        stream.seeked = true;
        return stream;
    }

    /** How many {@code "features"} arrays were entered so far (more than one is legal JSON, but odd). */
    int featureArrays() {
        return featureArrays;
    }

    JsonParser parser() {
        return parser;
    }

    /** Moves to the next feature object; false at the end of the features. */
    boolean nextFeature() throws IOException {
        if (ended) {
            return false;
        }
        if (sequence) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                ended = true;
                return false;
            }
            if (t != JsonToken.START_OBJECT) {
                throw JsonInput.malformed(parser, "expected a Feature object, found " + GeometryReader.describe(t));
            }
            return true;
        }
        if (!started && seeked) {
            started = true;
            JsonInput.next(parser); // the "[" put in front of the seek point
        } else if (!started) {
            started = true;
            JsonToken t = parser.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw JsonInput.malformed(parser, t == null ? "empty file"
                        : "top level is " + GeometryReader.describe(t) + ", expected a GeoJSON object");
            }
            if (!advanceToFeatures()) {
                return false;
            }
        }
        JsonToken t = JsonInput.next(parser);
        if (t == JsonToken.START_OBJECT) {
            return true;
        }
        if (t == JsonToken.END_ARRAY) {
            if (seeked) {
                ended = true;
                return false;
            }
            if (!advanceToFeatures()) {
                return false;
            }
            return nextFeature();
        }
        throw JsonInput.malformed(parser, "\"features\" holds " + GeometryReader.describe(t) + ", expected Feature objects");
    }

    /**
     * Reads root members until a {@code "features"} array starts (true) or the root object ends
     * (false; then checks that nothing but whitespace follows).
     */
    private boolean advanceToFeatures() throws IOException {
        JsonToken t;
        while ((t = JsonInput.next(parser)) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = JsonInput.next(parser);
            if (name.equals("features")) {
                if (value != JsonToken.START_ARRAY) {
                    throw JsonInput.malformed(parser, "\"features\" is " + GeometryReader.describe(value) + ", expected an array");
                }
                featureArrays++;
                return true;
            }
            handler.member(name, parser);
        }
        ended = true;
        JsonToken after = parser.nextToken();
        if (after != null) {
            throw JsonInput.malformed(parser, "unexpected " + GeometryReader.describe(after) + " after the end of the GeoJSON object");
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
