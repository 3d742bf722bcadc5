package dev.cairn.geo.fgb;

import dev.cairn.geo.format.FieldType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.wololo.flatgeobuf.generated.ColumnType;

/**
 * The {@code properties} byte vector of a FlatGeobuf feature: for each non-null value, the
 * column index (uint16 LE) then the value, little-endian — fixed-size numbers as they are,
 * String/Json/DateTime/Binary as uint32 length + bytes (UTF-8 for text). A NULL is an absent
 * column. Not thread-safe (reuses its buffer).
 */
final class PropertyCodec {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

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
        out.reset();
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
                        scratch.clear();
                        scratch.putInt((int) l);
                        out.write(scratch.array(), 0, 4);
                    }
                    case LONG -> {
                        scratch.clear();
                        scratch.putLong(((Number) v).longValue());
                        out.write(scratch.array(), 0, 8);
                    }
                    case DOUBLE -> {
                        scratch.clear();
                        scratch.putDouble(((Number) v).doubleValue());
                        out.write(scratch.array(), 0, 8);
                    }
                    case BOOLEAN -> out.write((Boolean) v ? 1 : 0);
                    case STRING, DATETIME -> writeBytes(((String) v).getBytes(StandardCharsets.UTF_8));
                    case DATE -> writeDateAtMidnight((LocalDate) v);
                    case BINARY -> writeBytes((byte[]) v);
                }
            } catch (ClassCastException e) {
                throw new IllegalArgumentException("field '" + names[i] + "' is " + types[i] + " but holds a "
                        + v.getClass().getSimpleName(), e);
            }
        }
        return out.toByteArray();
    }

    private void writeShort(int i) {
        out.write(i & 0xff);
        out.write((i >>> 8) & 0xff);
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
        byte[] b = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0'};
        b[0] += (byte) (year / 1000);
        b[1] += (byte) (year / 100 % 10);
        b[2] += (byte) (year / 10 % 10);
        b[3] += (byte) (year % 10);
        b[5] += (byte) (date.getMonthValue() / 10);
        b[6] += (byte) (date.getMonthValue() % 10);
        b[8] += (byte) (date.getDayOfMonth() / 10);
        b[9] += (byte) (date.getDayOfMonth() % 10);
        writeBytes(b);
    }

    private void writeBytes(byte[] b) {
        scratch.clear();
        scratch.putInt(b.length);
        out.write(scratch.array(), 0, 4);
        out.write(b, 0, b.length);
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
