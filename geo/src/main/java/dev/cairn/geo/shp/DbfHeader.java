package dev.cairn.geo.shp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The dBase III header of a .dbf file.
 *
 * <pre>
 * offset size  content (little-endian)
 *  0      1    version 0x03
 *  1      3    last update: year - 1900, month, day
 *  4      4    record count
 *  8      2    header length = 32 + 32 * fields + 1
 * 10      2    record length = 1 (deletion flag) + sum of field lengths
 * 29      1    language driver id (code page; 0x00 = none, the .cpg decides)
 * 32   32*n    field descriptors: name (11, NUL padded), type (1), 4 unused, length (1),
 *              decimals (1), 14 unused
 * ..      1    0x0D terminator
 * then the records: ' ' (or '*' when deleted) + the fields as text; 0x1A after the last.
 * </pre>
 */
record DbfHeader(int recordCount, int headerLength, int recordLength, int languageDriver, List<DbfField> fields) {

    static final int MAX_RECORD_LENGTH = 65535;

    /** Reads the header; {@code nameCharset} decodes field names. Throws when it is not a dBase header. */
    static DbfHeader read(BlockReader in, Charset nameCharset) throws IOException, MalformedDbfException {
        if (in.size() < 32) {
            throw new MalformedDbfException("shorter than a dBase header (" + in.size() + " bytes)");
        }
        ByteBuffer h = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        in.read(0, h);
        int count = h.getInt(4);
        int headerLength = Short.toUnsignedInt(h.getShort(8));
        int recordLength = Short.toUnsignedInt(h.getShort(10));
        int ldid = Byte.toUnsignedInt(h.get(29));
        if (count < 0 || headerLength < 33 || recordLength < 1 || headerLength > in.size()) {
            throw new MalformedDbfException("not a dBase file (record count " + count + ", header length "
                    + headerLength + ", record length " + recordLength + ")");
        }
        int n = (headerLength - 33) / 32;
        ByteBuffer d = ByteBuffer.allocate(32 * n).order(ByteOrder.LITTLE_ENDIAN);
        in.read(32, d);
        List<DbfField> fields = new ArrayList<>(n);
        int offset = 1;
        for (int i = 0; i < n; i++) {
            int p = 32 * i;
            if (d.get(p) == 0x0D) {
                break; // terminator before the declared header end (padding)
            }
            int nameLength = 0;
            while (nameLength < 11 && d.get(p + nameLength) != 0) {
                nameLength++;
            }
            String name = new String(d.array(), p, nameLength, nameCharset).trim();
            char type = (char) Byte.toUnsignedInt(d.get(p + 11));
            int length = Byte.toUnsignedInt(d.get(p + 16));
            int decimals = Byte.toUnsignedInt(d.get(p + 17));
            fields.add(new DbfField(name, Character.toUpperCase(type), length, decimals, offset));
            offset += length;
        }
        if (offset > recordLength) {
            throw new MalformedDbfException("fields need " + offset + " bytes per record, the header declares "
                    + recordLength);
        }
        return new DbfHeader(count, headerLength, recordLength, ldid, fields);
    }

    /** The header bytes for writing; names are encoded with {@code charset} (already at most 10 bytes). */
    ByteBuffer encode(Charset charset) {
        ByteBuffer h = ByteBuffer.allocate(headerLength).order(ByteOrder.LITTLE_ENDIAN);
        LocalDate today = LocalDate.now();
        h.put((byte) 0x03).put((byte) (today.getYear() - 1900)).put((byte) today.getMonthValue())
                .put((byte) today.getDayOfMonth());
        h.putInt(recordCount).putShort((short) headerLength).putShort((short) recordLength);
        h.put(29, (byte) languageDriver);
        for (int i = 0; i < fields.size(); i++) {
            DbfField f = fields.get(i);
            int p = 32 + 32 * i;
            byte[] name = f.name().getBytes(charset);
            h.put(p, name, 0, Math.min(10, name.length));
            h.put(p + 11, (byte) f.type());
            h.put(p + 16, (byte) f.length());
            h.put(p + 17, (byte) f.decimals());
        }
        h.put(headerLength - 1, (byte) 0x0D);
        h.position(0);
        return h;
    }

    static int headerLengthFor(int fieldCount) {
        return 32 + 32 * fieldCount + 1;
    }

    static final class MalformedDbfException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedDbfException(String message) {
            super(message);
        }
    }
}
