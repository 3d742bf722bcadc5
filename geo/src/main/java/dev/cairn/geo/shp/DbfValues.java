package dev.cairn.geo.shp;

import dev.cairn.geo.format.FieldType;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Text ⇄ value for dBase fields. dBase has no NULL: a field of blanks is read as null (as GDAL
 * does, so an empty string does not survive a round trip), numbers starting with '*' (an
 * overflow marker) too, an L field of '?' and a D field of zeros.
 */
final class DbfValues {
    private DbfValues() {
    }

    static final class BadValueException extends Exception {
        private static final long serialVersionUID = 1L;

        BadValueException(String message) {
            super(message);
        }
    }

    /** Decodes field {@code f} of a record whose bytes (deletion flag at 0) are {@code rec}. */
    static Object decode(DbfField f, FieldType type, byte[] rec, Charset charset) throws BadValueException {
        int from = f.offset();
        int to = from + f.length();
        if (type == FieldType.STRING) {
            while (to > from && (rec[to - 1] == ' ' || rec[to - 1] == 0)) {
                to--;
            }
            return to == from ? null : new String(rec, from, to - from, charset);
        }
        while (from < to && (rec[from] == ' ' || rec[from] == 0)) {
            from++;
        }
        while (to > from && (rec[to - 1] == ' ' || rec[to - 1] == 0)) {
            to--;
        }
        if (to == from) {
            return null;
        }
        String s = new String(rec, from, to - from, StandardCharsets.ISO_8859_1);
        switch (type) {
            case INTEGER, LONG -> {
                if (s.charAt(0) == '*') {
                    return null;
                }
                try {
                    return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
                } catch (NumberFormatException e) {
                    try {
                        return new BigDecimal(s).longValueExact(); // "12.000", "1E3"
                    } catch (NumberFormatException | ArithmeticException e2) {
                        throw new BadValueException("'" + s + "' is not an integer");
                    }
                }
            }
            case DOUBLE -> {
                if (s.charAt(0) == '*') {
                    return null;
                }
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new BadValueException("'" + s + "' is not a number");
                }
            }
            case BOOLEAN -> {
                return switch (s.charAt(0)) {
                    case 'T', 't', 'Y', 'y' -> Boolean.TRUE;
                    case 'F', 'f', 'N', 'n' -> Boolean.FALSE;
                    case '?' -> null;
                    default -> throw new BadValueException("'" + s + "' is not a logical value (T/F/Y/N/?)");
                };
            }
            case DATE -> {
                if (s.equals("00000000")) {
                    return null;
                }
                if (!s.matches("\\d{8}")) {
                    throw new BadValueException("'" + s + "' is not a date (YYYYMMDD)");
                }
                try {
                    return LocalDate.of(Integer.parseInt(s.substring(0, 4)), Integer.parseInt(s.substring(4, 6)),
                            Integer.parseInt(s.substring(6, 8)));
                } catch (DateTimeException e) {
                    throw new BadValueException("'" + s + "' is not a date (YYYYMMDD)");
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /**
     * The text of a number for an N field of {@code width} characters: integers as digits; doubles
     * in the shortest form that reads back exactly (plain if it fits, else scientific).
     * Returns null when the value cannot be written in {@code width} characters.
     */
    static String number(Object value, int width) {
        String s;
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            String shortest = Double.toString(d);
            s = new BigDecimal(shortest).toPlainString();
            if (s.length() > width) {
                s = shortest.replace("E", "e");
            }
        } else {
            s = Long.toString(((Number) value).longValue());
        }
        return s.length() <= width ? s : null;
    }
}
