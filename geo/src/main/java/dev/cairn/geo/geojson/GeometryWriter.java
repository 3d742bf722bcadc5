package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Encodes JTS geometries as RFC 7946 geometry objects.
 *
 * <p><b>Precision.</b> Coordinates are written rounded to {@value #DECIMALS} decimal places, in
 * plain notation (never {@code 1.0E-9}), trailing zeros dropped. In degrees of EPSG:4326,
 * 1e-9° is about 0.1 mm on the ground: far below any survey accuracy, while the text stays short
 * and free of binary-to-decimal noise ({@code 8.123456789012344}). GDAL writes 15 significant
 * digits for GeoJSON and 7 decimals (about 1 cm) for RFC 7946 / GeoJSONSeq output; we keep more.
 * Z is written with the same rule (1e-9 m). Non-finite coordinates cannot be written.
 *
 * <p>An empty geometry is written with an empty {@code coordinates} (or {@code geometries})
 * array; a {@code LinearRing} is written as a LineString. Stateless and thread-safe.
 */
final class GeometryWriter {
    static final int DECIMALS = 9;
    private static final double SCALE = 1e9;
    private static final long UNIT = 1_000_000_000L;

    private GeometryWriter() {
    }

    /** Thrown for a coordinate that JSON cannot hold (NaN or infinite). */
    static final class NonFiniteCoordinateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NonFiniteCoordinateException(double v) {
            super("coordinate " + v + " cannot be written to GeoJSON");
        }
    }

    /** Writes {@code g}; Z values are written only when {@code withZ} and present (not NaN). */
    static void write(JsonGenerator out, Geometry g, boolean withZ) throws IOException {
        out.writeStartObject();
        out.writeStringField("type", typeName(g));
        if (g instanceof GeometryCollection gc && !(g instanceof MultiPoint || g instanceof MultiLineString
                || g instanceof MultiPolygon)) {
            out.writeArrayFieldStart("geometries");
            for (int i = 0; i < gc.getNumGeometries(); i++) {
                write(out, gc.getGeometryN(i), withZ);
            }
            out.writeEndArray();
        } else {
            out.writeFieldName("coordinates");
            coordinates(out, g, withZ);
        }
        out.writeEndObject();
    }

    static String typeName(Geometry g) {
        return g instanceof LineString ? "LineString" : g.getGeometryType();
    }

    private static void coordinates(JsonGenerator out, Geometry g, boolean withZ) throws IOException {
        if (g instanceof Point p) {
            if (p.isEmpty()) {
                out.writeStartArray();
                out.writeEndArray();
            } else {
                position(out, p.getCoordinateSequence(), 0, withZ);
            }
        } else if (g instanceof LineString l) {
            sequence(out, l.getCoordinateSequence(), withZ);
        } else if (g instanceof Polygon poly) {
            out.writeStartArray();
            if (!poly.isEmpty()) {
                sequence(out, poly.getExteriorRing().getCoordinateSequence(), withZ);
                for (int i = 0; i < poly.getNumInteriorRing(); i++) {
                    sequence(out, poly.getInteriorRingN(i).getCoordinateSequence(), withZ);
                }
            }
            out.writeEndArray();
        } else {
            out.writeStartArray();
            for (int i = 0; i < g.getNumGeometries(); i++) {
                coordinates(out, g.getGeometryN(i), withZ);
            }
            out.writeEndArray();
        }
    }

    private static void sequence(JsonGenerator out, CoordinateSequence seq, boolean withZ) throws IOException {
        out.writeStartArray();
        for (int i = 0; i < seq.size(); i++) {
            position(out, seq, i, withZ);
        }
        out.writeEndArray();
    }

    private static void position(JsonGenerator out, CoordinateSequence seq, int i, boolean withZ) throws IOException {
        out.writeStartArray();
        out.writeNumber(format(seq.getX(i)));
        out.writeNumber(format(seq.getY(i)));
        if (withZ) {
            double z = seq.getZ(i);
            if (!Double.isNaN(z)) {
                out.writeNumber(format(z));
            }
        }
        out.writeEndArray();
    }

    /** {@code v} rounded to {@value #DECIMALS} decimals, plain notation, no trailing zeros. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            throw new NonFiniteCoordinateException(v);
        }
        if (Math.abs(v) >= 1e9) {
            BigDecimal d = BigDecimal.valueOf(v).setScale(DECIMALS, RoundingMode.HALF_EVEN).stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        long scaled = Math.round(v * SCALE);
        if (scaled == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder(24);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / UNIT);
        long frac = scaled % UNIT;
        if (frac != 0) {
            String digits = Long.toString(frac);
            sb.append('.');
            for (int pad = DECIMALS - digits.length(); pad > 0; pad--) {
                sb.append('0');
            }
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            sb.append(digits, 0, end);
        }
        return sb.toString();
    }
}
