package dev.cairn.geo.format;

/**
 * The attribute types every format is mapped to. Values in {@link Feature#values()} are:
 * {@code INTEGER} and {@code LONG} → {@link Long}; {@code DOUBLE} → {@link Double};
 * {@code STRING} → {@link String}; {@code BOOLEAN} → {@link Boolean}; {@code DATE} →
 * {@link java.time.LocalDate}; {@code DATETIME} → {@link String} in ISO 8601 as the source wrote it
 * (formats disagree on precision and zones, so the text is carried, not reparsed);
 * {@code BINARY} → {@code byte[]}; any of them may be {@code null}.
 */
public enum FieldType {
    /** 32-bit integer. */
    INTEGER,
    /** 64-bit integer. */
    LONG,
    DOUBLE,
    STRING,
    BOOLEAN,
    DATE,
    DATETIME,
    BINARY
}
