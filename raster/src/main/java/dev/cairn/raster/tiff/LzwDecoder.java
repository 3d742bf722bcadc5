package dev.cairn.raster.tiff;

/**
 * TIFF's LZW (compression 5): codes MSB-first, 9 to 12 bits, ClearCode 256, EndOfInformation 257,
 * and the "early change" of libtiff (the code width grows one code before the table fills).
 * Written by hand because no library on Maven Central offers TIFF's variant as a plain
 * byte[] → byte[] function. Output stops at the expected block size, so a damaged stream can
 * neither run past the block nor loop. The pre-1990 "old-style" LZW (LSB-first) is not read.
 */
final class LzwDecoder {
    private static final int CLEAR = 256, EOI = 257, MAX_CODES = 4096;

    private LzwDecoder() {
    }

    /** Decodes into {@code out}; returns the number of bytes written. */
    static int decode(byte[] in, int inLen, byte[] out) {
        int[] prefix = new int[MAX_CODES];
        byte[] suffix = new byte[MAX_CODES];
        byte[] first = new byte[MAX_CODES];
        int[] length = new int[MAX_CODES];
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
            length[i] = 1;
            prefix[i] = -1;
        }
        int next = 258, width = 9, old = -1, op = 0;
        long bitBuf = 0;
        int bits = 0, ip = 0;
        while (op < out.length) {
            while (bits < width && ip < inLen) {
                bitBuf = (bitBuf << 8) | (in[ip++] & 0xFF);
                bits += 8;
            }
            if (bits < width) {
                break;
            }
            int code = (int) ((bitBuf >>> (bits - width)) & ((1 << width) - 1));
            bits -= width;
            if (code == EOI) {
                break;
            }
            if (code == CLEAR) {
                next = 258;
                width = 9;
                old = -1;
                continue;
            }
            if (old == -1) {
                if (code > 255) {
                    break; // damaged: first code after a clear must be a literal
                }
                out[op++] = (byte) code;
                old = code;
                continue;
            }
            int emit;
            byte firstByte;
            if (code < next) {
                emit = code;
                firstByte = first[code];
            } else if (code == next) {
                emit = -1; // KwKwK: old's string + its first byte
                firstByte = first[old];
            } else {
                break; // damaged
            }
            if (next < MAX_CODES) {
                prefix[next] = old;
                suffix[next] = firstByte;
                first[next] = first[old];
                length[next] = length[old] + 1;
                next++;
            }
            int c = emit == -1 ? next - 1 : emit;
            int len = length[c];
            int end = Math.min(op + len, out.length);
            // write the string of c backwards from its last byte
            for (int pos = op + len - 1; c >= 0; c = prefix[c], pos--) {
                if (pos < end) {
                    out[pos] = suffix[c];
                }
            }
            op = end;
            old = emit == -1 ? next - 1 : emit;
            if (next + 1 >= (1 << width) && width < 12) {
                width++;
            }
        }
        return op;
    }
}
