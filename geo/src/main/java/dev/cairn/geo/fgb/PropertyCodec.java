package dev.cairn.geo.fgb;

import dev.cairn.geo.format.FieldType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import org.wololo.flatgeobuf.generated.ColumnType;

/**
 * The {@code properties} byte vector of a FlatGeobuf feature: for each non-null value, the
 * column index (uint16 LE) then the value, little-endian — fixed-size numbers as they are,
 * String/Json/DateTime/Binary as uint32 length + bytes (UTF-8 for text). A NULL is an absent
 * column. Not thread-safe (reuses its buffer).
 */
final class PropertyCodec {
    private static final byte[] MIDNIGHT = "T00:00:00".getBytes(StandardCharsets.US_ASCII);
    /** The encoded values (reused: not thread-safe) and how many of its bytes they fill. */
    private byte[] buf = new byte[256];
    private int size;
    /** The characters of the string being written. */
    private char[] chars = new char[64];

    /** The column type cairn writes for a field type. */
    static int columnType(FieldType type) {
        return switch (type) {
            case INTEGER -> ColumnType.Int;
            case LONG -> ColumnType.Long;
            case DOUBLE -> ColumnType.Double;
            case STRING -> ColumnType.String;
            case BOOLEAN -> ColumnType.Bool;
            case DATE, DATETIME -> ColumnType.DateTime;
            case BINARY -> ColumnType.Binary;
        };
    }

    /** The field type a column type is read as, or null when the type is unknown. */
    static FieldType fieldType(int columnType) {
        return switch (columnType) {
            case ColumnType.Byte, ColumnType.UByte, ColumnType.Short, ColumnType.UShort, ColumnType.Int ->
                    FieldType.INTEGER;
            case ColumnType.UInt, ColumnType.Long, ColumnType.ULong -> FieldType.LONG;
            case ColumnType.Float, ColumnType.Double -> FieldType.DOUBLE;
            case ColumnType.String, ColumnType.Json -> FieldType.STRING;
            case ColumnType.Bool -> FieldType.BOOLEAN;
            case ColumnType.DateTime -> FieldType.DATETIME;
            case ColumnType.Binary -> FieldType.BINARY;
            default -> null;
        };
    }

    /**
     * Encodes {@code values} (typed by {@code types}) into property bytes.
     *
     * @throws IllegalArgumentException naming the field when a value does not fit its type
     */
    byte[] encode(FieldType[] types, String[] names, Object[] values) {
        int n = encodeInPlace(types, names, values); // first: it may replace the buffer by a larger one
        return Arrays.copyOf(buf, n);
    }

    /**
     * As {@link #encode}, into this codec's buffer ({@link #bytes()}, valid until the next call)
     * without a copy; returns the length.
     */
    int encodeInPlace(FieldType[] types, String[] names, Object[] values) {
        size = 0;
        for (int i = 0; i < types.length; i++) {
            Object v = i < values.length ? values[i] : null;
            if (v == null) {
                continue;
            }
            writeShort(i);
            try {
                switch (types[i]) {
                    case INTEGER -> {
                        long l = ((Number) v).longValue();
                        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                            throw new IllegalArgumentException("field '" + names[i] + "': " + l
                                    + " does not fit a 32-bit INTEGER");
                        }
                        writeInt((int) l);
                    }
                    case LONG -> writeLong(((Number) v).longValue());
                    case DOUBLE -> writeLong(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                    case BOOLEAN -> {
                        room(1);
                        buf[size++] = (byte) ((Boolean) v ? 1 : 0);
                    }
                    case STRING, DATETIME -> writeString((String) v);
                    case DATE -> writeDateAtMidnight((LocalDate) v);
                    case BINARY -> writeBytes((byte[]) v);
                }
            } catch (ClassCastException e) {
                throw new IllegalArgumentException("field '" + names[i] + "' is " + types[i] + " but holds a "
                        + v.getClass().getSimpleName(), e);
            }
        }
        return size;
    }

    /** The buffer {@link #encodeInPlace} wrote into. */
    byte[] bytes() {
        return buf;
    }

    private void room(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, size + n));
        }
    }

    private void writeShort(int i) {
        room(2);
        buf[size++] = (byte) i;
        buf[size++] = (byte) (i >>> 8);
    }

    private void writeInt(int v) {
        room(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
    }

    private void writeLong(long v) {
        writeInt((int) v);
        writeInt((int) (v >>> 32));
    }

    /**
     * {@code s} in UTF-8, length first, encoded straight into the buffer: {@code getBytes(UTF_8)}
     * allocated two arrays per value for text with a non-ASCII letter (names such as "Zürich"),
     * 6 % of the CPU samples of a FlatGeobuf conversion of 1M polygons (JFR). A string with a
     * surrogate goes through {@code getBytes} (the same bytes, lone surrogates as '?').
     */
    private void writeString(String s) {
        int n = s.length();
        room(4 + 3 * n);
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        s.getChars(0, n, chars, 0); // one bulk copy: cheaper than a checked charAt per character
        char[] cs = chars;
        int start = size;
        int at = start + 4;
        for (int k = 0; k < n; k++) {
            char c = cs[k];
            if (c < 0x80) {
                buf[at++] = (byte) c;
            } else if (c < 0x800) {
                buf[at++] = (byte) (0xc0 | c >> 6);
                buf[at++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isSurrogate(c)) {
                writeBytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            } else {
                buf[at++] = (byte) (0xe0 | c >> 12);
                buf[at++] = (byte) (0x80 | c >> 6 & 0x3f);
                buf[at++] = (byte) (0x80 | c & 0x3f);
            }
        }
        writeInt(at - start - 4);
        size = at;
    }

    /**
     * {@code date + "T00:00:00"} in UTF-8, written digit by digit for the years {@code
     * LocalDate.toString} writes as four digits (0 to 9999): the string concatenation was a tenth
     * of the CPU time of a FlatGeobuf conversion of 1M polygons with a date column.
     */
    private void writeDateAtMidnight(LocalDate date) {
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            writeBytes((date + "T00:00:00").getBytes(StandardCharsets.UTF_8));
            return;
        }
        writeInt(19);
        room(19);
        byte[] b = buf;
        int at = size;
        b[at] = (byte) ('0' + year / 1000);
        b[at + 1] = (byte) ('0' + year / 100 % 10);
        b[at + 2] = (byte) ('0' + year / 10 % 10);
        b[at + 3] = (byte) ('0' + year % 10);
        b[at + 4] = '-';
        b[at + 5] = (byte) ('0' + date.getMonthValue() / 10);
        b[at + 6] = (byte) ('0' + date.getMonthValue() % 10);
        b[at + 7] = '-';
        b[at + 8] = (byte) ('0' + date.getDayOfMonth() / 10);
        b[at + 9] = (byte) ('0' + date.getDayOfMonth() % 10);
        System.arraycopy(MIDNIGHT, 0, b, at + 10, MIDNIGHT.length);
        size = at + 19;
    }

    private void writeBytes(byte[] b) {
        writeInt(b.length);
        room(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /**
     * Decodes property bytes into {@code values} (reset to null first) using the file's column
     * types.
     *
     * @throws IllegalArgumentException when the bytes are malformed
     */
    static void decode(ByteBuffer p, int[] columnTypes, Object[] values) {
        java.util.Arrays.fill(values, null);
        p.order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (p.hasRemaining()) {
                int col = Short.toUnsignedInt(p.getShort());
                if (col >= columnTypes.length) {
                    throw new IllegalArgumentException("property for column " + col + ", the header has "
                            + columnTypes.length);
                }
                values[col] = switch (columnTypes[col]) {
                    case ColumnType.Byte -> (long) p.get();
                    case ColumnType.UByte -> (long) Byte.toUnsignedInt(p.get());
                    case ColumnType.Bool -> p.get() != 0;
                    case ColumnType.Short -> (long) p.getShort();
                    case ColumnType.UShort -> (long) Short.toUnsignedInt(p.getShort());
                    case ColumnType.Int -> (long) p.getInt();
                    case ColumnType.UInt -> Integer.toUnsignedLong(p.getInt());
                    case ColumnType.Long, ColumnType.ULong -> p.getLong();
                    case ColumnType.Float -> (double) p.getFloat();
                    case ColumnType.Double -> p.getDouble();
                    case ColumnType.String, ColumnType.Json, ColumnType.DateTime ->
                            new String(bytes(p), StandardCharsets.UTF_8);
                    case ColumnType.Binary -> bytes(p);
                    default -> throw new IllegalArgumentException("column " + col + " has unknown type "
                            + columnTypes[col]);
                };
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("properties end inside a value");
        }
    }

    private static byte[] bytes(ByteBuffer p) {
        long n = Integer.toUnsignedLong(p.getInt());
        if (n > p.remaining()) {
            throw new IllegalArgumentException("a value of " + n + " bytes overruns the properties");
        }
        byte[] b = new byte[(int) n];
        p.get(b);
        return b;
    }
}
