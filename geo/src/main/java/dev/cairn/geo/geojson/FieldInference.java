package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.geo.format.FieldType;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Infers the type of one GeoJSON property from every value it takes, following GDAL's GeoJSON
 * driver where our type system allows (checked with {@code ogrinfo}, GDAL 3.6):
 *
 * <ul>
 *   <li>only integers that fit 32 bits → {@code INTEGER}; any wider integer → {@code LONG};
 *   <li>any fractional number (or an integer beyond 64 bits) among numbers → {@code DOUBLE};
 *   <li>only booleans → {@code BOOLEAN};
 *   <li>only strings: all {@code YYYY-MM-DD} → {@code DATE}; all ISO dates or date-times (at least
 *       one with a time) → {@code DATETIME}; otherwise {@code STRING}. GDAL also takes
 *       {@code 2024/01/02} and {@code 2024-1-2} as dates; we keep those as text, because a DATE
 *       value is a {@link java.time.LocalDate} and such text would not survive the trip;
 *   <li>objects and arrays → {@code STRING} holding their JSON text (GDAL: String(JSON) for
 *       objects, IntegerList/StringList… for arrays, which cairn has no type for);
 *   <li>any other mix (numbers with strings, booleans with numbers…) → {@code STRING}; only nulls
 *       → {@code STRING}.
 * </ul>
 */
final class FieldInference {
    private static final int INT32 = 1;
    private static final int INT64 = 1 << 1;
    private static final int REAL = 1 << 2;
    private static final int BOOL = 1 << 3;
    private static final int DATE = 1 << 4;
    private static final int DATETIME = 1 << 5;
    private static final int TEXT = 1 << 6;
    private static final int JSON = 1 << 7;

    static final Pattern DATE_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    static final Pattern DATETIME_TEXT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?");

    private int seen;

    /** Records the value at the parser's current token and consumes it. */
    void add(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL -> { }
            case VALUE_TRUE, VALUE_FALSE -> seen |= BOOL;
            case VALUE_NUMBER_INT -> seen |= switch (p.getNumberType()) {
                case INT -> INT32;
                case LONG -> INT64;
                default -> REAL;
            };
            case VALUE_NUMBER_FLOAT -> seen |= REAL;
            case VALUE_STRING -> seen |= classify(p.getText());
            case START_OBJECT, START_ARRAY -> {
                seen |= JSON;
                p.skipChildren();
            }
            default -> throw JsonInput.malformed(p, "unexpected " + GeometryReader.describe(t) + " as a property value");
        }
    }

    private static int classify(String s) {
        if (s.length() == 10 && DATE_TEXT.matcher(s).matches()) {
            return DATE;
        }
        if (s.length() >= 16 && DATETIME_TEXT.matcher(s).matches()) {
            return DATETIME;
        }
        return TEXT;
    }

    FieldType type() {
        if (seen == BOOL) {
            return FieldType.BOOLEAN;
        }
        if (seen != 0 && (seen & ~(INT32 | INT64 | REAL)) == 0) {
            return (seen & REAL) != 0 ? FieldType.DOUBLE : (seen & INT64) != 0 ? FieldType.LONG : FieldType.INTEGER;
        }
        if (seen == DATE) {
            return FieldType.DATE;
        }
        if (seen != 0 && (seen & ~(DATE | DATETIME)) == 0) {
            return FieldType.DATETIME;
        }
        return FieldType.STRING;
    }
}
