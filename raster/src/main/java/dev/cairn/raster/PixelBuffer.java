package dev.cairn.raster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A rectangle of pixels of one {@link DataType}, all bands, <b>pixel-interleaved</b> (TIFF
 * {@code PlanarConfiguration = 1}, GDAL's {@code INTERLEAVE=PIXEL}, what a COG holds by default):
 *
 * <pre>
 *   index(x, y, b) = (y * width + x) * bands + b
 *
 *   row 0:  [x0 b0][x0 b1][x0 b2] [x1 b0][x1 b1][x1 b2] ...
 *   row 1:  ...
 * </pre>
 *
 * <p>The backing array has the width of the type: {@code byte[]} for UINT8/INT8,
 * {@code short[]} for UINT16/INT16, {@code int[]} for UINT32/INT32, {@code float[]},
 * {@code double[]}. {@link #get} and {@link #set} convert to and from {@code double} (unsigned
 * types masked, {@link DataType#clamp} on set); hot loops that know the type may use
 * {@link #array()} directly.
 *
 * <p>Not thread-safe; a buffer belongs to one window of one worker.
 */
public final class PixelBuffer {

    private final DataType type;
    private final int width;
    private final int height;
    private final int bands;
    private final Object array;

    private PixelBuffer(DataType type, int width, int height, int bands, Object array) {
        this.type = type;
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.array = array;
    }

    /** A zero-filled buffer. */
    public static PixelBuffer allocate(DataType type, int width, int height, int bands) {
        if (width < 0 || height < 0 || bands < 1) {
            throw new IllegalArgumentException("bad buffer size " + width + "x" + height + "x" + bands);
        }
        long n = (long) width * height * bands;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("buffer of " + n + " samples is too large");
        }
        int len = (int) n;
        Object array = switch (type) {
            case UINT8, INT8 -> new byte[len];
            case UINT16, INT16 -> new short[len];
            case UINT32, INT32 -> new int[len];
            case FLOAT32 -> new float[len];
            case FLOAT64 -> new double[len];
        };
        return new PixelBuffer(type, width, height, bands, array);
    }

    /**
     * A buffer over samples already in memory in the byte layout of a TIFF block after
     * decompression and predictor reversal (pixel-interleaved, {@code order} byte order).
     */
    public static PixelBuffer fromBytes(DataType type, int width, int height, int bands, ByteBuffer bytes,
            ByteOrder order) {
        PixelBuffer p = allocate(type, width, height, bands);
        ByteBuffer b = bytes.duplicate().order(order);
        switch (type) {
            case UINT8, INT8 -> b.get((byte[]) p.array);
            case UINT16, INT16 -> b.asShortBuffer().get((short[]) p.array);
            case UINT32, INT32 -> b.asIntBuffer().get((int[]) p.array);
            case FLOAT32 -> b.asFloatBuffer().get((float[]) p.array);
            case FLOAT64 -> b.asDoubleBuffer().get((double[]) p.array);
        }
        return p;
    }

    /** The samples as bytes in {@code order}, pixel-interleaved: what a TIFF block holds before compression. */
    public ByteBuffer toBytes(ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(sampleCount() * type.bytes()).order(order);
        switch (type) {
            case UINT8, INT8 -> b.put((byte[]) array);
            case UINT16, INT16 -> b.asShortBuffer().put((short[]) array);
            case UINT32, INT32 -> b.asIntBuffer().put((int[]) array);
            case FLOAT32 -> b.asFloatBuffer().put((float[]) array);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) array);
        }
        return b.rewind();
    }

    public DataType type() {
        return type;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int bands() {
        return bands;
    }

    /** Samples in the buffer: width × height × bands. */
    public int sampleCount() {
        return width * height * bands;
    }

    /** The backing array (see the class comment for its type); shared, not copied. */
    public Object array() {
        return array;
    }

    /** The index of sample (x, y, band) in {@link #array()}. */
    public int index(int x, int y, int band) {
        return (y * width + x) * bands + band;
    }

    /** Sample (x, y, band) as a double (unsigned types as their unsigned value). */
    public double get(int x, int y, int band) {
        return getAt(index(x, y, band));
    }

    /** Sample {@code i} of {@link #array()} as a double. */
    public double getAt(int i) {
        return switch (type) {
            case UINT8 -> ((byte[]) array)[i] & 0xFF;
            case INT8 -> ((byte[]) array)[i];
            case UINT16 -> ((short[]) array)[i] & 0xFFFF;
            case INT16 -> ((short[]) array)[i];
            case UINT32 -> ((int[]) array)[i] & 0xFFFFFFFFL;
            case INT32 -> ((int[]) array)[i];
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
        };
    }

    /** Stores {@code v} at (x, y, band), rounded and clamped to the type ({@link DataType#clamp}). */
    public void set(int x, int y, int band, double v) {
        setAt(index(x, y, band), v);
    }

    /** Stores {@code v} as sample {@code i}, rounded and clamped to the type. */
    public void setAt(int i, double v) {
        double c = type.clamp(v);
        switch (type) {
            case UINT8, INT8 -> ((byte[]) array)[i] = (byte) (long) c;
            case UINT16, INT16 -> ((short[]) array)[i] = (short) (long) c;
            case UINT32, INT32 -> ((int[]) array)[i] = (int) (long) c;
            case FLOAT32 -> ((float[]) array)[i] = (float) c;
            case FLOAT64 -> ((double[]) array)[i] = c;
        }
    }

    /** Sets every sample of every band to {@code v} (e.g. the nodata value). */
    public void fill(double v) {
        double c = type.clamp(v);
        switch (type) {
            case UINT8, INT8 -> Arrays.fill((byte[]) array, (byte) (long) c);
            case UINT16, INT16 -> Arrays.fill((short[]) array, (short) (long) c);
            case UINT32, INT32 -> Arrays.fill((int[]) array, (int) (long) c);
            case FLOAT32 -> Arrays.fill((float[]) array, (float) c);
            case FLOAT64 -> Arrays.fill((double[]) array, c);
        }
    }

    /**
     * Copies the rectangle {@code (srcX, srcY, w, h)} of {@code src} (same type and band count)
     * to {@code (dstX, dstY)} of this buffer.
     */
    public void copyFrom(PixelBuffer src, int srcX, int srcY, int w, int h, int dstX, int dstY) {
        if (src.type != type || src.bands != bands) {
            throw new IllegalArgumentException("copy between " + src.type + "x" + src.bands + " and " + type + "x" + bands);
        }
        for (int row = 0; row < h; row++) {
            System.arraycopy(src.array, src.index(srcX, srcY + row, 0), array, index(dstX, dstY + row, 0), w * bands);
        }
    }
}
