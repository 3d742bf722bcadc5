package dev.cairn.raster.tiff;

/**
 * Apple PackBits run-length decoding (TIFF compression 32773): a header byte n, then n+1 literal
 * bytes (0..127), or one byte repeated 1-n times (-127..-1); -128 is a no-op. Ten lines, so
 * written here. Output stops at the expected block size.
 */
final class PackBitsDecoder {
    private PackBitsDecoder() {
    }

    static int decode(byte[] in, int inLen, byte[] out) {
        int ip = 0, op = 0;
        while (ip < inLen && op < out.length) {
            int n = in[ip++];
            if (n >= 0) {
                int len = Math.min(n + 1, Math.min(inLen - ip, out.length - op));
                System.arraycopy(in, ip, out, op, len);
                ip += n + 1;
                op += len;
            } else if (n != -128 && ip < inLen) {
                int len = Math.min(1 - n, out.length - op);
                java.util.Arrays.fill(out, op, op + len, in[ip++]);
                op += len;
            }
        }
        return op;
    }
}
