package dev.cairn.geo.gpkg;

/** A geometry blob that cannot be decoded: bad header, truncated or unsupported WKB. */
final class MalformedGeometryException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedGeometryException(String message) {
        super(message);
    }
}
