package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code "crs"} member of the 2008 GeoJSON specification, which RFC 7946 removed but
 * files still carry (GDAL writes {@code urn:ogc:def:crs:OGC:1.3:CRS84}, PostGIS writes
 * {@code EPSG:3857}). Like GDAL, a named EPSG CRS is honoured: such a file's coordinates are in
 * that CRS.
 *
 * <p>Accepted: {@code {"type":"name","properties":{"name":N}}} with N one of
 * {@code urn:ogc:def:crs:EPSG::n}, {@code urn:ogc:def:crs:EPSG:version:n}, {@code EPSG:n},
 * {@code http://www.opengis.net/def/crs/EPSG/0/n}, or the CRS84 spellings (→ EPSG:4326, lon/lat);
 * and {@code {"type":"EPSG","properties":{"code":n}}}. <b>Axis order:</b> a legacy
 * {@code urn:...EPSG::4326} formally means lat/lon, but GeoJSON producers always wrote lon/lat and
 * GDAL reads it so; so do we. {@code "crs": null} means "no CRS declared" → the RFC 7946 default.
 */
final class LegacyCrs {
    private static final Pattern EPSG = Pattern.compile(
            "(?i)(?:urn:ogc:def:crs:epsg:[0-9.]*:|epsg:{1,2}|https?://www\\.opengis\\.net/def/crs/epsg/[0-9.]+/)(\\d{1,9})");
    private static final Pattern CRS84 = Pattern.compile(
            "(?i)urn:ogc:def:crs:ogc:(?:1\\.3:)?crs84|ogc:crs84|crs:84|https?://www\\.opengis\\.net/def/crs/ogc/1\\.3/crs84");

    private LegacyCrs() {
    }

    /**
     * Reads the {@code "crs"} value at the parser; returns {@code "EPSG:n"}, or null for
     * {@code "crs": null}. Throws {@link UnknownCrsException} for anything else.
     */
    static String read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new UnknownCrsException("\"crs\" member is " + GeometryReader.describe(t) + ", expected an object");
        }
        String type = null;
        String name = null;
        String code = null;
        while (JsonInput.next(p) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = JsonInput.next(p);
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if (field.equals("properties") && v == JsonToken.START_OBJECT) {
                while (JsonInput.next(p) == JsonToken.FIELD_NAME) {
                    String prop = p.currentName();
                    JsonToken pv = JsonInput.next(p);
                    if (prop.equals("name") && pv == JsonToken.VALUE_STRING) {
                        name = p.getText();
                    } else if (prop.equals("code") && (pv == JsonToken.VALUE_NUMBER_INT || pv == JsonToken.VALUE_STRING)) {
                        code = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return resolve(type, name, code);
    }

    static String resolve(String type, String name, String code) {
        if ("EPSG".equalsIgnoreCase(type) && code != null && code.matches("\\d{1,9}")) {
            return "EPSG:" + Integer.parseInt(code);
        }
        if ("name".equalsIgnoreCase(type) && name != null) {
            String n = name.trim();
            if (CRS84.matcher(n).matches()) {
                return "EPSG:4326";
            }
            Matcher m = EPSG.matcher(n);
            if (m.matches()) {
                return "EPSG:" + Integer.parseInt(m.group(1));
            }
        }
        String seen = name != null ? "\"" + name + "\"" : code != null ? "code " + code
                : type != null ? "type \"" + type + "\"" : "nothing";
        throw new UnknownCrsException("legacy \"crs\" member names " + seen + ", which is not an EPSG code");
    }

    /** A {@code "crs"} member that names no EPSG CRS. */
    static final class UnknownCrsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownCrsException(String message) {
            super(message);
        }
    }
}
