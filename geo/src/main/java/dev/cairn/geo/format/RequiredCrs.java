package dev.cairn.geo.format;

/**
 * A CRS every output of a format is in, whatever {@code --to} says, and the rule that says so,
 * for the message that refuses another one.
 *
 * @param code the CRS, e.g. {@code EPSG:4326}
 * @param rule the format's rule in words, e.g. "GeoJSON output is always EPSG:4326 longitude/latitude (RFC 7946)"
 */
public record RequiredCrs(String code, String rule) {
}
