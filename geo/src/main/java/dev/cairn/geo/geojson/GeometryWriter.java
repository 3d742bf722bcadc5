package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import dev.cairn.geo.format.CoordinatePrecision;
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
 * <p><b>Precision</b> ({@link CoordinatePrecision}). By default each coordinate is written as the
 * shortest decimal that reads back as the same double (Schubfach, the algorithm of JDK 19's
 * {@code Double.toString}, here from Jackson: JDK 17's sometimes writes a digit too many), so
 * that a file read back holds exactly the doubles written — rounding can make a valid polygon
 * invalid (two close vertices collapse). With {@code --coordinate-precision N} coordinates are
 * rounded half-even to N decimals (in degrees of EPSG:4326, 7 decimals are about 1 cm, GDAL's
 * choice for RFC 7946 output). Either way: plain notation (never {@code 1.0E-9}: some readers
 * choke on exponents), trailing zeros dropped, {@code -0} written as {@code 0}. Z follows the same
 * rule. Non-finite coordinates cannot be written.
 *
 * <p>An empty geometry is written with an empty {@code coordinates} (or {@code geometries})
 * array; a {@code LinearRing} is written as a LineString. Stateless and thread-safe.
 */
final class GeometryWriter {
    /** Powers of ten up to the largest that scaled rounding handles exactly in a long. */
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

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
    static void write(JsonGenerator out, Geometry g, boolean withZ, CoordinatePrecision precision) throws IOException {
        write(out, g, withZ, precision.decimals());
    }

    private static void write(JsonGenerator out, Geometry g, boolean withZ, int decimals) throws IOException {
        out.writeStartObject();
        out.writeStringField("type", typeName(g));
        if (g instanceof GeometryCollection gc && !(g instanceof MultiPoint || g instanceof MultiLineString
                || g instanceof MultiPolygon)) {
            out.writeArrayFieldStart("geometries");
            for (int i = 0; i < gc.getNumGeometries(); i++) {
                write(out, gc.getGeometryN(i), withZ, decimals);
            }
            out.writeEndArray();
        } else {
            out.writeFieldName("coordinates");
            coordinates(out, g, withZ, decimals);
        }
        out.writeEndObject();
    }

    static String typeName(Geometry g) {
        return g instanceof LineString ? "LineString" : g.getGeometryType();
    }

    private static void coordinates(JsonGenerator out, Geometry g, boolean withZ, int decimals) throws IOException {
        if (g instanceof Point p) {
            if (p.isEmpty()) {
                out.writeStartArray();
                out.writeEndArray();
            } else {
                position(out, p.getCoordinateSequence(), 0, withZ, decimals);
            }
        } else if (g instanceof LineString l) {
            sequence(out, l.getCoordinateSequence(), withZ, decimals);
        } else if (g instanceof Polygon poly) {
            out.writeStartArray();
            if (!poly.isEmpty()) {
                sequence(out, poly.getExteriorRing().getCoordinateSequence(), withZ, decimals);
                for (int i = 0; i < poly.getNumInteriorRing(); i++) {
                    sequence(out, poly.getInteriorRingN(i).getCoordinateSequence(), withZ, decimals);
                }
            }
            out.writeEndArray();
        } else {
            out.writeStartArray();
            for (int i = 0; i < g.getNumGeometries(); i++) {
                coordinates(out, g.getGeometryN(i), withZ, decimals);
            }
            out.writeEndArray();
        }
    }

    private static void sequence(JsonGenerator out, CoordinateSequence seq, boolean withZ, int decimals) throws IOException {
        out.writeStartArray();
        for (int i = 0; i < seq.size(); i++) {
            position(out, seq, i, withZ, decimals);
        }
        out.writeEndArray();
    }

    private static void position(JsonGenerator out, CoordinateSequence seq, int i, boolean withZ, int decimals) throws IOException {
        out.writeStartArray();
        out.writeNumber(format(seq.getX(i), decimals));
        out.writeNumber(format(seq.getY(i), decimals));
        if (withZ) {
            double z = seq.getZ(i);
            if (!Double.isNaN(z)) {
                out.writeNumber(format(z, decimals));
            }
        }
        out.writeEndArray();
    }

    /** {@code v} as {@link CoordinatePrecision#SHORTEST} writes it. */
    static String format(double v) {
        return format(v, -1);
    }

    /**
     * {@code v} in plain notation without trailing zeros: the shortest decimal that reads back as
     * {@code v} when {@code decimals < 0}, else rounded half-even to {@code decimals} places.
     */
    static String format(double v, int decimals) {
        if (!Double.isFinite(v)) {
            throw new NonFiniteCoordinateException(v);
        }
        if (v == 0) {
            return "0";
        }
        if (decimals < 0) {
            return plain(DoubleToDecimal.toString(v));
        }
        double scaledExact = Math.abs(v) * POW10[decimals];
        if (scaledExact >= 1e15) { // beyond what a double scales to a long without losing digits
            BigDecimal d = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).stripTrailingZeros();
            String text = d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
            return text.equals("-0") ? "0" : text;
        }
        long scaled = (long) Math.rint(v * POW10[decimals]); // half-even, as the BigDecimal branch
        if (scaled == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder(24);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        long unit = POW10[decimals];
        sb.append(scaled / unit);
        long frac = scaled % unit;
        if (frac != 0) {
            String digits = Long.toString(frac);
            sb.append('.');
            for (int pad = decimals - digits.length(); pad > 0; pad--) {
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

    /**
     * {@code 1.2345678E7} → {@code 12345678}, {@code -1.0E-6} → {@code -0.000001}, {@code 100.0}
     * → {@code 100}: the same digits in plain notation. Written by hand because
     * {@code BigDecimal.toPlainString} costs an allocation-heavy parse per coordinate.
     */
    static String plain(String s) {
        int e = s.indexOf('E');
        boolean negative = s.charAt(0) == '-';
        String mantissa = s.substring(negative ? 1 : 0, e < 0 ? s.length() : e);
        int exponent = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        int point = mantissa.indexOf('.');
        String digits = point < 0 ? mantissa : mantissa.substring(0, point) + mantissa.substring(point + 1);
        int intDigits = (point < 0 ? mantissa.length() : point) + exponent;
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (negative) {
            sb.append('-');
        }
        if (intDigits <= 0) {
            sb.append("0.");
            for (int i = intDigits; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (intDigits >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < intDigits; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, intDigits).append('.').append(digits, intDigits, digits.length());
        }
        // strip leading zeros of the integer part ("0012" cannot occur, "00.5" can't either) and trailing fraction zeros
        int dot = sb.indexOf(".");
        if (dot >= 0) {
            int end = sb.length();
            while (sb.charAt(end - 1) == '0') {
                end--;
            }
            if (sb.charAt(end - 1) == '.') {
                end--;
            }
            sb.setLength(end);
        }
        int start = negative ? 1 : 0;
        while (sb.length() > start + 1 && sb.charAt(start) == '0' && sb.charAt(start + 1) != '.') {
            sb.deleteCharAt(start);
        }
        return sb.toString();
    }
}
