package dev.cairn.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a good file's bytes, the way damaged files come: a few flipped bits, a run
 * of bytes set to 0xFF or 0x00, a truncation at any offset, and, where the format's header is
 * known ({@link Field}), a declared count, size or offset replaced by a huge value, by a negative
 * one, or by the field's own position (an offset pointing back to itself, the shortest cycle).
 * Text formats also get deep nesting ({@code [[[[...} 100 000 deep) spliced in.
 *
 * <p>Case {@code i} of seed {@code s} is always the same mutation of the same bytes: a failing
 * case is reproduced from its seed and number alone, printed in the failure message.
 */
public final class Mutator {
    /** A fixed-width integer of a format's header: a count, a size or an offset. */
    public record Field(String name, int offset, int width, ByteOrder order) {
        public static Field le(String name, int offset, int width) {
            return new Field(name, offset, width, ByteOrder.LITTLE_ENDIAN);
        }

        public static Field be(String name, int offset, int width) {
            return new Field(name, offset, width, ByteOrder.BIG_ENDIAN);
        }
    }

    /** One mutated file: what was done (for the failure message) and the bytes. */
    public record Mutation(String description, byte[] bytes) {
    }

    /** Nesting depth of the deep-nesting mutation of text formats. */
    public static final int DEEP = 100_000;

    private final long seed;

    public Mutator(long seed) {
        this.seed = seed;
    }

    /**
     * Case {@code index}: one to three mutations of {@code good}, chosen among those that fit
     * ({@code fields} empty: no field mutations; {@code text}: deep nesting too).
     */
    public Mutation mutate(int index, byte[] good, List<Field> fields, boolean text) {
        Random r = new Random(seed * 1_000_003L + index);
        byte[] b = good.clone();
        List<String> done = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int kind = r.nextInt(text ? 7 : 6);
            if ((kind == 3 || kind == 4) && fields.isEmpty()) {
                kind = 0;
            }
            switch (kind) {
                case 0 -> {
                    int flips = 1 + r.nextInt(8);
                    for (int i = 0; i < flips && b.length > 0; i++) {
                        int at = r.nextInt(b.length);
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                    done.add(flips + " bit flips");
                }
                case 1, 5 -> {
                    if (b.length == 0) {
                        continue;
                    }
                    int at = r.nextInt(b.length);
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte v = kind == 1 ? (byte) 0xFF : 0;
                    Arrays.fill(b, at, at + len, v);
                    done.add(len + " bytes at " + at + " set to " + (kind == 1 ? "0xFF" : "0x00"));
                }
                case 2 -> {
                    int at = b.length == 0 ? 0 : r.nextInt(b.length);
                    b = Arrays.copyOf(b, at);
                    done.add("truncated at " + at);
                }
                case 3, 4 -> {
                    Field f = fields.get(r.nextInt(fields.size()));
                    if (f.offset() + f.width() > b.length) {
                        continue;
                    }
                    long v;
                    String what;
                    if (kind == 4) {
                        v = r.nextBoolean() ? f.offset() : 0;
                        what = v == 0 ? "0" : "its own position " + f.offset();
                    } else {
                        long[] huge = {0x7FFF_FFFFL, 0xFFFF_FFFFL, 0x7FFF_FFFF_FFFF_FFFFL, -1L, 0x4000_0000L,
                            Integer.MIN_VALUE, b.length + 1L, b.length * 4L};
                        v = huge[r.nextInt(huge.length)];
                        what = Long.toString(v);
                    }
                    put(b, f, v);
                    done.add(f.name() + " set to " + what);
                }
                default -> {
                    int at = b.length == 0 ? 0 : r.nextInt(b.length);
                    byte[] deep = "[".repeat(DEEP).getBytes(StandardCharsets.US_ASCII);
                    byte[] out = new byte[b.length + deep.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(deep, 0, out, at, deep.length);
                    System.arraycopy(b, at, out, at + deep.length, b.length - at);
                    b = out;
                    done.add(DEEP + " '[' inserted at " + at);
                }
            }
        }
        return new Mutation(String.join(", ", done), b);
    }

    private static void put(byte[] b, Field f, long v) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(f.order());
        switch (f.width()) {
            case 1 -> b[f.offset()] = (byte) v;
            case 2 -> buf.putShort(f.offset(), (short) v);
            case 4 -> buf.putInt(f.offset(), (int) v);
            case 8 -> buf.putLong(f.offset(), v);
            default -> throw new IllegalArgumentException("width " + f.width());
        }
    }
}
