package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Decodes one RFC 7946 geometry object from a streaming parser into JTS.
 *
 * <p>Members may come in any order (a {@code "coordinates"} array before {@code "type"} is legal),
 * so the coordinates of one geometry are first collected as nested lists of {@code double[]}
 * positions and built once the type is known; memory is bounded by the size of one geometry.
 * Unknown members ({@code "bbox"}, foreign members) are skipped.
 *
 * <p>Rules: a position has at least two numbers; a third is Z, further ones (M or other) are
 * ignored, as RFC 7946 §3.1.1 allows. An empty {@code coordinates} (or {@code geometries}) array
 * gives an empty geometry; {@code "geometry": null} gives null. Rings must be closed and have four
 * positions (JTS enforces it; GDAL is laxer). Anything else is a {@link MalformedGeoJsonException}
 * at the position of the geometry.
 *
 * <p>Not thread-safe: {@link #sawZ()} reports on the geometries read since the last reset.
 */
final class GeometryReader {
    private final GeometryFactory factory;
    private boolean sawZ;

    GeometryReader(GeometryFactory factory) {
        this.factory = factory;
    }

    /** True when a position with a third value was read since the last {@link #resetZ()}. */
    boolean sawZ() {
        return sawZ;
    }

    void resetZ() {
        sawZ = false;
    }

    /** Reads the value at the parser's current token: null or a geometry object. */
    Geometry read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw JsonInput.malformed(p, "geometry is " + describe(t) + ", expected an object or null");
        }
        JsonLocation start = p.currentTokenLocation();
        String type = null;
        Object coordinates = null;
        List<Geometry> members = null;
        while (JsonInput.next(p) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = JsonInput.next(p);
            switch (field) {
                case "type" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw JsonInput.malformed(p, "geometry \"type\" is " + describe(value) + ", expected a string");
                    }
                    type = p.getText();
                }
                case "coordinates" -> coordinates = value == JsonToken.VALUE_NULL ? null : readCoordinates(p);
                case "geometries" -> members = value == JsonToken.VALUE_NULL ? null : readMembers(p);
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            throw new MalformedGeoJsonException("geometry without \"type\"", start);
        }
        return buildChecked(type, coordinates, members, start);
    }

    /** The geometry of {@code type} from what {@link #readCoordinates} and {@link #readMembers} read. */
    Geometry buildChecked(String type, Object coordinates, List<Geometry> members, JsonLocation start) {
        try {
            return build(type, coordinates, members, start);
        } catch (IllegalArgumentException e) {
            throw new MalformedGeoJsonException("invalid " + type + ": " + e.getMessage(), start);
        }
    }

    /** The RFC 7946 geometry types. */
    static final Set<String> TYPES = Set.of("Point", "MultiPoint", "LineString", "MultiLineString",
            "Polygon", "MultiPolygon", "GeometryCollection");

    List<Geometry> readMembers(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw JsonInput.malformed(p, "\"geometries\" is " + describe(p.currentToken()) + ", expected an array");
        }
        List<Geometry> out = new ArrayList<>();
        while (JsonInput.next(p) != JsonToken.END_ARRAY) {
            Geometry g = read(p);
            if (g == null) {
                throw JsonInput.malformed(p, "null inside \"geometries\"");
            }
            out.add(g);
        }
        return out;
    }

    /** A position ({@code double[]}) or a list of nested coordinate arrays. */
    Object readCoordinates(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw JsonInput.malformed(p, "coordinates are " + describe(p.currentToken()) + ", expected an array");
        }
        JsonToken t = JsonInput.next(p);
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return readPosition(p);
        }
        List<Object> out = new ArrayList<>();
        while (t != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_ARRAY) {
                throw JsonInput.malformed(p, "coordinate is " + describe(t) + ", expected a number");
            }
            out.add(readCoordinates(p));
            t = JsonInput.next(p);
        }
        return out;
    }

    /** Called on the first number of a position. */
    private double[] readPosition(JsonParser p) throws IOException {
        double x = p.getDoubleValue();
        JsonToken t = JsonInput.next(p);
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw JsonInput.malformed(p, "coordinate is " + describe(t) + ", expected a number (a position has at least 2)");
        }
        double y = p.getDoubleValue();
        double z = Double.NaN;
        int n = 2;
        while ((t = JsonInput.next(p)) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw JsonInput.malformed(p, "coordinate is " + describe(t) + ", expected a number");
            }
            if (n++ == 2) {
                z = p.getDoubleValue();
            }
        }
        if (n >= 3) {
            sawZ = true;
            return new double[] {x, y, z};
        }
        return new double[] {x, y};
    }

    private Geometry build(String type, Object coords, List<Geometry> members, JsonLocation at) {
        if (type.equals("GeometryCollection")) {
            if (members == null) {
                throw new MalformedGeoJsonException("GeometryCollection without \"geometries\" array", at);
            }
            return factory.createGeometryCollection(members.toArray(new Geometry[0]));
        }
        if (coords == null) {
            throw new MalformedGeoJsonException(type + " without \"coordinates\" array", at);
        }
        return switch (type) {
            case "Point" -> point(coords, at);
            case "LineString" -> line(list(coords, type, at), at);
            case "Polygon" -> polygon(list(coords, type, at), at);
            case "MultiPoint" -> {
                List<Object> items = list(coords, type, at);
                Point[] points = new Point[items.size()];
                for (int i = 0; i < points.length; i++) {
                    points[i] = point(items.get(i), at);
                }
                yield factory.createMultiPoint(points);
            }
            case "MultiLineString" -> {
                List<Object> items = list(coords, type, at);
                LineString[] lines = new LineString[items.size()];
                for (int i = 0; i < lines.length; i++) {
                    lines[i] = line(list(items.get(i), type, at), at);
                }
                yield factory.createMultiLineString(lines);
            }
            case "MultiPolygon" -> {
                List<Object> items = list(coords, type, at);
                Polygon[] polygons = new Polygon[items.size()];
                for (int i = 0; i < polygons.length; i++) {
                    polygons[i] = polygon(list(items.get(i), type, at), at);
                }
                yield factory.createMultiPolygon(polygons);
            }
            default -> throw new MalformedGeoJsonException("unknown geometry type \"" + type + "\"", at);
        };
    }

    private Point point(Object coords, JsonLocation at) {
        if (coords instanceof double[] pos) {
            return factory.createPoint(coordinate(pos));
        }
        if (coords instanceof List<?> l && l.isEmpty()) {
            return factory.createPoint();
        }
        throw new MalformedGeoJsonException("Point coordinates must be one position", at);
    }

    private LineString line(List<Object> positions, JsonLocation at) {
        return factory.createLineString(coordinates(positions, "LineString", at));
    }

    private Polygon polygon(List<Object> rings, JsonLocation at) {
        if (rings.isEmpty()) {
            return factory.createPolygon();
        }
        LinearRing shell = factory.createLinearRing(coordinates(list(rings.get(0), "Polygon", at), "Polygon", at));
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 0; i < holes.length; i++) {
            holes[i] = factory.createLinearRing(coordinates(list(rings.get(i + 1), "Polygon", at), "Polygon", at));
        }
        return factory.createPolygon(shell, holes);
    }

    private static Coordinate[] coordinates(List<Object> positions, String type, JsonLocation at) {
        Coordinate[] out = new Coordinate[positions.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(positions.get(i) instanceof double[] pos)) {
                throw new MalformedGeoJsonException(type + " coordinates nested too deeply", at);
            }
            out[i] = coordinate(pos);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object coords, String type, JsonLocation at) {
        if (coords instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new MalformedGeoJsonException(type + " coordinates not nested deeply enough", at);
    }

    private static Coordinate coordinate(double[] pos) {
        return pos.length > 2 ? new Coordinate(pos[0], pos[1], pos[2]) : new Coordinate(pos[0], pos[1]);
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }
}
