package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import org.locationtech.jts.geom.Geometry;

/**
 * Reads one Feature object: {@code "type"} must be {@code "Feature"}; {@code "id"},
 * {@code "geometry"} and {@code "properties"} are decoded; foreign members are skipped. A missing
 * {@code "geometry"} member reads as a null geometry and a missing or null {@code "properties"} as
 * all-null attributes (RFC 7946 requires both members; GDAL accepts their absence, so do we).
 *
 * <p>Results of the last {@link #read} are in {@link #geometry()}, {@link #id()}; properties go to
 * the {@link PropertyHandler} as they stream by. Not thread-safe.
 */
final class FeatureReader {

    /** Receives each property, the parser on its value; must consume the value. */
    interface PropertyHandler {
        void property(String name, JsonParser p) throws IOException;
    }

    private final GeometryReader geometries;
    private final boolean bareGeometries;
    private Geometry geometry;
    private Object id;

    /**
     * @param bareGeometries whether a geometry object may stand where a Feature does: a root
     *                       object (RFC 7946 allows any GeoJSON object at the root) or a record of
     *                       a text sequence; it reads as a feature without id or properties
     */
    FeatureReader(GeometryReader geometries, boolean bareGeometries) {
        this.geometries = geometries;
        this.bareGeometries = bareGeometries;
    }

    /** Reads the feature object at the parser's {@code START_OBJECT}. */
    void read(JsonParser p, PropertyHandler properties) throws IOException {
        geometry = null;
        id = null;
        String type = null;
        JsonLocation start = p.currentTokenLocation();
        Object coordinates = null;
        List<Geometry> members = null;
        while (JsonInput.next(p) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = JsonInput.next(p);
            switch (field) {
                case "type" -> {
                    type = value == JsonToken.VALUE_STRING ? p.getText() : GeometryReader.describe(value);
                    if (!type.equals("Feature") && !(bareGeometries && GeometryReader.TYPES.contains(type))) {
                        throw JsonInput.malformed(p, "object of type " + quote(type) + " where a Feature was expected");
                    }
                }
                case "id" -> id = readId(p, value);
                case "geometry" -> geometry = geometries.read(p);
                case "properties" -> readProperties(p, value, properties);
                case "coordinates" -> {
                    if (bareGeometries && value != JsonToken.VALUE_NULL) {
                        coordinates = geometries.readCoordinates(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "geometries" -> {
                    if (bareGeometries && value != JsonToken.VALUE_NULL) {
                        members = geometries.readMembers(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            throw JsonInput.malformed(p, "Feature without \"type\" member (object ends here)");
        }
        if (!type.equals("Feature")) { // a bare geometry
            geometry = geometries.buildChecked(type, coordinates, members, start);
            id = null;
        }
    }

    Geometry geometry() {
        return geometry;
    }

    /** The feature's id: a Long for an integer id, a String for a string or another number, or null. */
    Object id() {
        return id;
    }

    private static Object readId(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : p.getLongValue();
            case VALUE_NUMBER_FLOAT, VALUE_STRING -> p.getText();
            default -> throw JsonInput.malformed(p, "Feature \"id\" is " + GeometryReader.describe(value)
                    + ", expected a string or a number");
        };
    }

    private static void readProperties(JsonParser p, JsonToken value, PropertyHandler handler) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            throw JsonInput.malformed(p, "\"properties\" is " + GeometryReader.describe(value) + ", expected an object or null");
        }
        while (JsonInput.next(p) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonInput.next(p);
            handler.property(name, p);
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
