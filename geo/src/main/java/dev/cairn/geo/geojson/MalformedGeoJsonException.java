package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonLocation;

/**
 * Thrown inside the GeoJSON readers when the input breaks a rule of RFC 7946 or of JSON itself.
 * Unchecked so that the small recursive decoders stay readable; {@link JsonInput#failure} turns it
 * into the user-facing {@code FORMAT} failure, adding the file name.
 */
final class MalformedGeoJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient JsonLocation location;

    MalformedGeoJsonException(String what, JsonLocation location) {
        super(what);
        this.location = location;
    }

    /** The position of the offending token, or null when unknown. */
    JsonLocation location() {
        return location;
    }
}
