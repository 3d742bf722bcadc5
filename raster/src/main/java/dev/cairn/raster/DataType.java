package dev.cairn.raster;

/**
 * The sample types cairn reads and writes, as GeoTIFF declares them (TIFF tags
 * {@code BitsPerSample} 258 and {@code SampleFormat} 339: 1 unsigned, 2 signed, 3 IEEE float).
 *
 * <p>Unsigned types are held in the next wider Java primitive only when reading them out as
 * {@code double}; in a {@link PixelBuffer} they keep their width ({@code UINT8} in a
 * {@code byte[]}, {@code UINT16} in a {@code short[]}, {@code UINT32} in an {@code int[]}) and
 * are widened with a mask on access.
 */
public enum DataType {
    UINT8(1, 1, false, 0, 255),
    INT8(1, 2, false, -128, 127),
    UINT16(2, 1, false, 0, 65535),
    INT16(2, 2, false, -32768, 32767),
    UINT32(4, 1, false, 0, 4294967295.0),
    INT32(4, 2, false, Integer.MIN_VALUE, Integer.MAX_VALUE),
    FLOAT32(4, 3, true, -Float.MAX_VALUE, Float.MAX_VALUE),
    FLOAT64(8, 3, true, -Double.MAX_VALUE, Double.MAX_VALUE);

    private final int bytes;
    private final int sampleFormat;
    private final boolean floating;
    private final double min;
    private final double max;

    DataType(int bytes, int sampleFormat, boolean floating, double min, double max) {
        this.bytes = bytes;
        this.sampleFormat = sampleFormat;
        this.floating = floating;
        this.min = min;
        this.max = max;
    }

    /** Bytes per sample. */
    public int bytes() {
        return bytes;
    }

    /** {@code BitsPerSample} as TIFF declares it. */
    public int bits() {
        return bytes * 8;
    }

    /** TIFF {@code SampleFormat}: 1 unsigned integer, 2 signed integer, 3 IEEE floating point. */
    public int sampleFormat() {
        return sampleFormat;
    }

    public boolean isFloatingPoint() {
        return floating;
    }

    /** The smallest value the type holds (for floats, the most negative finite one). */
    public double min() {
        return min;
    }

    /** The largest value the type holds. */
    public double max() {
        return max;
    }

    /**
     * A value computed in {@code double} (a resampled pixel) stored in this type: integers are
     * rounded half away from zero, like GDAL, and clamped to the type's range; floats are kept
     * (FLOAT32 rounds to the nearest float).
     */
    public double clamp(double v) {
        if (floating) {
            return this == FLOAT32 ? (float) v : v;
        }
        if (Double.isNaN(v)) {
            return 0;
        }
        double r = v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
        return r < min ? min : (r > max ? max : r);
    }

    /**
     * The type a TIFF declares with {@code BitsPerSample} and {@code SampleFormat} (absent
     * SampleFormat means 1, unsigned).
     *
     * @throws IllegalArgumentException for a combination cairn does not handle (1-bit, 12-bit,
     *                                  complex, 16-bit float); the message says which
     */
    public static DataType of(int bitsPerSample, int sampleFormat) {
        for (DataType t : values()) {
            if (t.bits() == bitsPerSample && t.sampleFormat == sampleFormat) {
                return t;
            }
        }
        String format = switch (sampleFormat) {
            case 1 -> "unsigned integer";
            case 2 -> "signed integer";
            case 3 -> "floating point";
            case 5, 6 -> "complex";
            default -> "sample format " + sampleFormat;
        };
        throw new IllegalArgumentException(bitsPerSample + "-bit " + format + " samples are not supported");
    }
}
