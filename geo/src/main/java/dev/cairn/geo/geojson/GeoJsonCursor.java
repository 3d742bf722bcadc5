package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Streams a range of features, converting property values to the types the schema pass chose
 * (see {@link FieldInference}): objects and arrays in STRING fields become their compact JSON
 * text, numbers and booleans in STRING fields their JSON text. The file is opened lazily on the
 * first {@link #next()}, at the schema pass's {@link FeatureIndex} entry at or below the range
 * (else at its start; features before the range are tokenized and skipped, not decoded), and
 * closed at the end of the range or on {@link #close()}.
 */
final class GeoJsonCursor implements FeatureCursor {
    private final Path file;
    private final boolean sequence;
    private final Schema schema;
    private final long offset;
    private final long end;
    private final FieldType[] types;
    private final Map<String, Integer> index = new HashMap<>();
    private final FeatureReader reader;
    private FeatureStream stream;
    private long shift = Long.MIN_VALUE;
    private long position;
    private boolean done;
    private Object[] values;

    GeoJsonCursor(Path file, boolean sequence, Schema schema, long offset, long limit) {
        this.file = file;
        this.sequence = sequence;
        this.reader = new FeatureReader(new GeometryReader(new GeometryFactory()), sequence);
        this.schema = schema;
        this.offset = offset;
        this.end = limit < 0 ? Long.MAX_VALUE : offset + limit;
        List<FieldDef> fields = schema.layer().fields();
        this.types = new FieldType[fields.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = fields.get(i).type();
            if (i != schema.idField()) {
                index.putIfAbsent(fields.get(i).name(), i);
            }
        }
    }

    @Override
    public Feature next() throws AssetFailure {
        if (done) {
            return null;
        }
        try {
            if (stream == null) {
                open();
            }
            while (position < offset) {
                if (!stream.nextFeature()) {
                    return finish();
                }
                stream.parser().skipChildren();
                position++;
            }
            if (position >= end || !stream.nextFeature()) {
                return finish();
            }
            values = new Object[types.length];
            reader.read(stream.parser(), this::property);
            long fid = schema.idsAreFids() ? (Long) reader.id() : position;
            if (schema.idField() >= 0 && reader.id() != null) {
                values[schema.idField()] = types[schema.idField()] == FieldType.LONG ? reader.id() : reader.id().toString();
            }
            position++;
            return new Feature(fid, reader.geometry(), values);
        } catch (IOException | RuntimeException e) {
            close();
            done = true;
            Exception cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw shift == Long.MIN_VALUE ? JsonInput.failure(file, cause) : JsonInput.failure(file, cause, shift);
        }
    }

    /** Opens the file at the index entry at or below the first feature of the range, or at its start. */
    private void open() throws IOException {
        FeatureIndex idx = schema.index();
        if (idx == null || offset < idx.stride()) {
            stream = FeatureStream.open(file, sequence);
            return;
        }
        int k = idx.entryFor(offset);
        long at = idx.offsets()[k];
        stream = FeatureStream.openAt(file, sequence, at);
        shift = at - JsonInput.seekPrefix(sequence);
        position = idx.positionOf(k);
    }

    private Feature finish() {
        done = true;
        close();
        return null;
    }

    private void property(String name, JsonParser p) throws IOException {
        Integer i = index.get(name);
        if (i == null) {
            p.skipChildren();
            return;
        }
        values[i] = value(p, types[i], name);
    }

    private static Object value(JsonParser p, FieldType type, String name) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        switch (type) {
            case INTEGER, LONG -> {
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
            }
            case DOUBLE -> {
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    return p.getDoubleValue();
                }
            }
            case BOOLEAN -> {
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
            }
            case DATE -> {
                if (t == JsonToken.VALUE_STRING) {
                    try {
                        return LocalDate.parse(p.getText());
                    } catch (DateTimeParseException e) {
                        throw JsonInput.malformed(p, "property \"" + name + "\": \"" + p.getText() + "\" is not a valid date");
                    }
                }
            }
            case DATETIME -> {
                if (t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
            }
            case STRING -> {
                return t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY ? jsonText(p) : p.getText();
            }
            default -> { }
        }
        throw JsonInput.malformed(p, "property \"" + name + "\" is " + GeometryReader.describe(t) + " where the schema pass found "
                + type + " (did the file change while it was read?)");
    }

    private static String jsonText(JsonParser p) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JsonInput.FACTORY.createGenerator(w)) {
            g.copyCurrentStructure(p);
        }
        return w.toString();
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // read-only file: nothing to lose
            }
            stream = null;
        }
    }
}
