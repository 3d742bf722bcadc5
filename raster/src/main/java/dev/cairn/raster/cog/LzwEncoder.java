package dev.cairn.raster.cog;

import java.util.Arrays;

/**
 * TIFF's LZW (TIFF 6.0 section 13), written by hand because no maintained Java library on Maven
 * Central encodes it (the JDK's TIFF writer does, but only whole images through ImageIO).
 *
 * <p>Codes are written most significant bit first, starting at 9 bits, with a Clear code (256)
 * first and an EndOfInformation code (257) last; the width grows "early", like libtiff: the
 * encoder widens once the next free code exceeds {@code 2^bits - 1}, one code before a naive
 * encoder would, which is where libtiff's decoder (one entry behind) expects it. When the table
 * reaches 4094 entries a Clear code is written and it starts over. Stateless; thread-safe.
 */
final class LzwEncoder {
    private static final int CLEAR = 256, EOI = 257, FIRST = 258, MAX_BITS = 12;
    private static final int HASH_SIZE = 1 << 13;

    private LzwEncoder() {
    }

    static byte[] encode(byte[] in) {
        BitWriter out = new BitWriter(in.length / 2 + 16);
        int[] keys = new int[HASH_SIZE];
        int[] codes = new int[HASH_SIZE];
        Arrays.fill(keys, -1);
        int bits = 9;
        int maxCode = (1 << bits) - 1;
        int free = FIRST;
        out.put(CLEAR, bits);
        if (in.length == 0) {
            out.put(EOI, bits);
            return out.toByteArray();
        }
        int ent = in[0] & 0xFF;
        for (int i = 1; i < in.length; i++) {
            int c = in[i] & 0xFF;
            int key = (ent << 8) | c;
            int h = (key * 0x9E3779B1) >>> (32 - 13);
            while (keys[h] != -1 && keys[h] != key) {
                h = (h + 1) & (HASH_SIZE - 1);
            }
            if (keys[h] == key) {
                ent = codes[h];
                continue;
            }
            out.put(ent, bits);
            ent = c;
            keys[h] = key;
            codes[h] = free++;
            if (free == (1 << MAX_BITS) - 2) {
                out.put(CLEAR, bits);
                Arrays.fill(keys, -1);
                bits = 9;
                maxCode = (1 << bits) - 1;
                free = FIRST;
            } else if (free > maxCode) {
                bits++;
                maxCode = (1 << bits) - 1;
            }
        }
        out.put(ent, bits);
        free++;
        if (free == (1 << MAX_BITS) - 2) {
            out.put(CLEAR, bits);
            bits = 9;
        } else if (free > maxCode) {
            bits++;
        }
        out.put(EOI, bits);
        return out.toByteArray();
    }

    private static final class BitWriter {
        private byte[] buf;
        private int len;
        private long acc;
        private int accBits;

        BitWriter(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void put(int code, int bits) {
            acc = (acc << bits) | code;
            accBits += bits;
            while (accBits >= 8) {
                accBits -= 8;
                append((byte) (acc >>> accBits));
            }
            acc &= (1L << accBits) - 1;
        }

        private void append(byte b) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = b;
        }

        byte[] toByteArray() {
            if (accBits > 0) {
                append((byte) (acc << (8 - accBits)));
                accBits = 0;
            }
            return Arrays.copyOf(buf, len);
        }
    }
}
