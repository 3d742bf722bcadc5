package dev.cairn.geo.shp;

import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams a dBase III table in UTF-8 (language driver 0x00, the .cpg says UTF-8, as GDAL writes
 * with ENCODING=UTF-8). The header is written first with a record count of 0 and patched by
 * {@link #finish}, so a table without its finish is recognisably incomplete.
 *
 * <p>Type mapping (read back by cairn and GDAL as noted):
 * <pre>
 * INTEGER   N(declared width ≤ 18, else 11, 0)   → INTEGER when width ≤ 9, else LONG (11 digits hold any int)
 * LONG      N(declared width ≤ 18, else 18, 0)   → LONG
 * DOUBLE    N(24, 15), the shortest text that reads back exactly → DOUBLE
 * STRING    C(declared width ≤ 254, else 254)    → STRING; longer values are cut (reported)
 * BOOLEAN   L(1) T/F                             → BOOLEAN
 * DATE      D(8) YYYYMMDD                        → DATE
 * DATETIME  C(32) the ISO text as given          → STRING (dBase III has no date-time)
 * BINARY    refused
 * </pre>
 * A layer without fields gets GDAL's placeholder field {@code FID N(11)} holding the fid, since a
 * dBase table needs one field. NaN and infinite doubles are written as null (dBase cannot hold them).
 */
final class DbfWriter implements AutoCloseable {
    static final Charset CHARSET = StandardCharsets.UTF_8;
    static final int DATETIME_WIDTH = 32;

    /** Thrown for a value that cannot be stored; the message names the field. */
    static final class UnwritableValueException extends Exception {
        private static final long serialVersionUID = 1L;

        UnwritableValueException(String message) {
            super(message);
        }
    }

    private final ChannelWriter out;
    private final List<DbfField> fields;
    private final FieldType[] types;
    private final boolean placeholder;
    private final int headerLength;
    private final int recordLength;
    private final byte[] row;
    private final long[] truncated;
    private int count;

    private DbfWriter(ChannelWriter out, List<DbfField> fields, FieldType[] types, boolean placeholder) {
        this.out = out;
        this.fields = fields;
        this.types = types;
        this.placeholder = placeholder;
        this.headerLength = DbfHeader.headerLengthFor(fields.size());
        int length = 1;
        for (DbfField f : fields) {
            length += f.length();
        }
        this.recordLength = length;
        this.row = new byte[length];
        this.truncated = new long[fields.size()];
    }

    /** The dBase fields for a layer's fields (names laundered), or an exception naming the field. */
    static List<DbfField> layout(List<FieldDef> defs) throws UnwritableValueException {
        List<String> names = FieldNames.launder(defs.stream().map(FieldDef::name).toList(), CHARSET);
        List<DbfField> out = new ArrayList<>();
        int offset = 1;
        for (int i = 0; i < defs.size(); i++) {
            FieldDef d = defs.get(i);
            int w = d.width();
            DbfField f = switch (d.type()) {
                case INTEGER -> new DbfField(names.get(i), 'N', w > 0 && w <= 18 ? w : 11, 0, offset);
                case LONG -> new DbfField(names.get(i), 'N', w > 0 && w <= 18 ? w : 18, 0, offset);
                case DOUBLE -> new DbfField(names.get(i), 'N', 24, 15, offset);
                case STRING -> new DbfField(names.get(i), 'C', w > 0 && w <= 254 ? w : 254, 0, offset);
                case BOOLEAN -> new DbfField(names.get(i), 'L', 1, 0, offset);
                case DATE -> new DbfField(names.get(i), 'D', 8, 0, offset);
                case DATETIME -> new DbfField(names.get(i), 'C', DATETIME_WIDTH, 0, offset);
                case BINARY -> throw new UnwritableValueException("field '" + d.name()
                        + "' is BINARY, which a dBase table cannot hold; drop the field or write GeoPackage");
            };
            out.add(f);
            offset += f.length();
        }
        if (offset > DbfHeader.MAX_RECORD_LENGTH) {
            throw new UnwritableValueException("the fields need " + offset + " bytes per record, dBase allows "
                    + DbfHeader.MAX_RECORD_LENGTH + "; drop fields or write GeoPackage");
        }
        return out;
    }

    static DbfWriter create(Path file, List<FieldDef> defs) throws IOException, UnwritableValueException {
        List<DbfField> fields = layout(defs);
        FieldType[] types = defs.stream().map(FieldDef::type).toArray(FieldType[]::new);
        boolean placeholder = fields.isEmpty();
        if (placeholder) {
            fields = List.of(new DbfField("FID", 'N', 11, 0, 1));
            types = new FieldType[] {FieldType.LONG};
        }
        DbfWriter w = new DbfWriter(new ChannelWriter(file), fields, types, placeholder);
        w.out.write(w.header().encode(CHARSET));
        return w;
    }

    List<DbfField> fields() {
        return fields;
    }

    /** Values cut to fit their field so far, per field. */
    long[] truncated() {
        return truncated.clone();
    }

    long size() {
        return out.size();
    }

    int recordLength() {
        return recordLength;
    }

    int count() {
        return count;
    }

    private DbfHeader header() {
        return new DbfHeader(count, headerLength, recordLength, 0x00, fields);
    }

    void write(long fid, Object[] values) throws IOException, UnwritableValueException {
        Arrays.fill(row, (byte) ' ');
        for (int i = 0; i < fields.size(); i++) {
            Object v = placeholder ? Long.valueOf(fid) : values[i];
            if (v != null) {
                put(i, fields.get(i), types[i], v);
            }
        }
        out.write(row);
        count++;
    }

    private void put(int index, DbfField f, FieldType type, Object v) throws UnwritableValueException {
        byte[] text;
        switch (type) {
            case INTEGER, LONG, DOUBLE -> {
                if (!(v instanceof Number n)) {
                    throw new UnwritableValueException("field '" + f.name() + "': " + v.getClass().getSimpleName()
                            + " value where a number is expected");
                }
                if (type == FieldType.DOUBLE && !Double.isFinite(n.doubleValue())) {
                    return;
                }
                String s = DbfValues.number(type == FieldType.DOUBLE ? (Object) n.doubleValue() : (Object) n.longValue(),
                        f.length());
                if (s == null) {
                    throw new UnwritableValueException("field '" + f.name() + "': value " + v + " does not fit in "
                            + f.length() + " characters");
                }
                text = s.getBytes(StandardCharsets.US_ASCII);
                int pad = f.length() - text.length; // numbers are right-aligned
                System.arraycopy(text, 0, row, f.offset() + pad, text.length);
                return;
            }
            case BOOLEAN -> text = new byte[] {(byte) (Boolean.TRUE.equals(v) ? 'T' : 'F')};
            case DATE -> {
                LocalDate d = (LocalDate) v;
                text = String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth())
                        .getBytes(StandardCharsets.US_ASCII);
            }
            default -> text = v.toString().getBytes(CHARSET);
        }
        int n = text.length;
        if (n > f.length()) {
            n = f.length();
            while (n > 0 && (text[n] & 0xC0) == 0x80) {
                n--; // do not split a UTF-8 sequence
            }
            truncated[index]++;
        }
        System.arraycopy(text, 0, row, f.offset(), n);
    }

    /** Writes the end marker and the final record count; flushes and syncs. */
    void finish() throws IOException {
        out.write(new byte[] {0x1A});
        out.writeAt(0, header().encode(CHARSET));
        out.sync();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
