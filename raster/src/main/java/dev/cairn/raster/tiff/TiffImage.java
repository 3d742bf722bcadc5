package dev.cairn.raster.tiff;

import static dev.cairn.raster.tiff.TiffDirectory.*;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalDouble;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * One image (IFD) of a TIFF: its layout, georeferencing and pixels, read block by block.
 *
 * <p>Blocks are tiles, or strips of {@code RowsPerStrip} full-width rows. {@link #readBlock}
 * returns one whole block as stored (edge tiles include their padding; a short last strip is
 * padded with zeros to the block height); {@link #readWindow} assembles any rectangle inside the
 * image from the blocks it touches, through the reader's {@link BlockCache}, so only those blocks
 * are read and memory is bounded by the cache, not the image. PlanarConfiguration 2 (one plane
 * per band) is returned pixel-interleaved like everything else. A block the file leaves out
 * (offset and byte count 0, GDAL's {@code SPARSE_OK}) reads as nodata, or 0 without nodata, like
 * GDAL. 1-bit images (GDAL's internal masks, NewSubfileType 4) read as UINT8 0/255, the values
 * GDAL's mask band shows.
 *
 * <p>Every stored block's offset and byte count is checked against the file size and against ten
 * times the block's uncompressed size before it is read, so a damaged file fails with a
 * {@link TiffFormatException} naming the block, never with an allocation of the declared size.
 *
 * <p>Thread-safe: immutable metadata; block reads go through the thread-safe source and cache.
 * Returned buffers are the caller's own copies.
 */
public final class TiffImage {
    private final ByteSource src;
    private final BlockCache cache;
    private final int index;
    private final ByteOrder order;
    private final int width, height, bands, blockWidth, blockHeight, compression, predictor, planar;
    private final boolean tiled;
    /** 1-bit images (GDAL's masks) are expanded to UINT8 0/255 on decode. */
    private final boolean bilevel;
    private final long subfileType;
    private final int alphaBand;
    private final DataType type;
    private final long[] offsets, byteCounts;
    private final int blocksAcross, blocksDown;
    private final byte[] jpegTables;
    private final OptionalDouble nodata;
    private final GeoKeyDirectory geoKeys;
    private final Optional<GeoTransform> geoTransform;

    TiffImage(ByteSource src, BlockCache cache, int index, ByteOrder order, TiffDirectory d) throws IOException {
        this.src = src;
        this.cache = cache;
        this.index = index;
        this.order = order;
        String where = src.name() + ": image " + index;
        width = positive(d.first(IMAGE_WIDTH, 0), where, "ImageWidth");
        height = positive(d.first(IMAGE_LENGTH, 0), where, "ImageLength");
        bands = positive(d.first(SAMPLES_PER_PIXEL, 1), where, "SamplesPerPixel");
        if (bands > 65535) {
            throw new TiffFormatException(where + " declares " + bands + " samples per pixel");
        }
        compression = (int) d.first(COMPRESSION, 1);
        predictor = (int) d.first(PREDICTOR, 1);
        planar = (int) d.first(PLANAR_CONFIGURATION, 1);
        subfileType = d.first(NEW_SUBFILE_TYPE, 0);
        long[] extra = d.longs(EXTRA_SAMPLES);
        int alpha = -1;
        for (int i = 0; extra != null && i < extra.length && bands - extra.length + i >= 0; i++) {
            if (extra[i] == 1 || extra[i] == 2) { // associated or unassociated alpha
                alpha = bands - extra.length + i;
                break;
            }
        }
        alphaBand = alpha;
        long[] bps = d.longs(BITS_PER_SAMPLE);
        long[] fmt = d.longs(SAMPLE_FORMAT);
        // an entry with count 0 says nothing: the TIFF default, as when the entry is absent
        int bits = bps == null || bps.length == 0 ? 1 : (int) bps[0];
        int format = fmt == null || fmt.length == 0 ? 1 : (int) fmt[0];
        for (int b = 0; bps != null && b < bps.length; b++) {
            if (bps[b] != bits || (fmt != null && b < fmt.length && fmt[b] != format)) {
                throw new TiffFormatException(where + ": bands of different sample types (" + bps[b] + "-bit and "
                        + bits + "-bit) are not supported");
            }
        }
        bilevel = bits == 1 && format == 1;
        if (bilevel && (predictor != 1 || compression == TileDecoder.JPEG)) {
            throw new TiffFormatException(where + ": 1-bit samples with predictor " + predictor + " or JPEG");
        }
        try {
            type = bilevel ? DataType.UINT8 : DataType.of(bits, format);
        } catch (IllegalArgumentException e) {
            throw new TiffFormatException(where + ": " + e.getMessage());
        }
        if (!TileDecoder.isSupported(compression)) {
            throw new UnsupportedCompressionException(src.name() + ": unsupported compression "
                    + TileDecoder.compressionName(compression) + " (" + compression + ")");
        }
        if (predictor < 1 || predictor > 3 || (predictor == 3 && !type.isFloatingPoint())) {
            throw new TiffFormatException(where + ": unsupported predictor " + predictor + " for " + type
                    + " samples (1 none, 2 horizontal, 3 floating point for float samples)");
        }
        if (planar != 1 && planar != 2) {
            throw new TiffFormatException(where + ": PlanarConfiguration " + planar + ", expected 1 or 2");
        }
        if (compression == TileDecoder.JPEG && (type != DataType.UINT8 || planar != 1 || (bands != 1 && bands != 3))) {
            throw new UnsupportedCompressionException(src.name() + ": unsupported compression JPEG (7) with "
                    + bands + " " + type + " bands, planar configuration " + planar
                    + " (cairn reads 8-bit grey or RGB/YCbCr JPEG, pixel-interleaved)");
        }
        tiled = d.has(TILE_WIDTH) || d.has(TILE_OFFSETS);
        if (tiled) {
            blockWidth = positive(d.first(TILE_WIDTH, 0), where, "TileWidth");
            blockHeight = positive(d.first(TILE_LENGTH, 0), where, "TileLength");
            offsets = d.longs(TILE_OFFSETS);
            byteCounts = d.longs(TILE_BYTE_COUNTS);
        } else {
            blockWidth = width;
            blockHeight = (int) Math.min(height, Math.max(1, d.first(ROWS_PER_STRIP, height)));
            offsets = d.longs(STRIP_OFFSETS);
            byteCounts = d.longs(STRIP_BYTE_COUNTS);
        }
        if ((long) blockWidth * blockHeight * bands * type.bytes() > Integer.MAX_VALUE - 16) {
            throw new TiffFormatException(where + ": blocks of " + blockWidth + "x" + blockHeight + "x" + bands
                    + " samples are too large (more than 2 GiB)");
        }
        blocksAcross = (width + blockWidth - 1) / blockWidth;
        blocksDown = (height + blockHeight - 1) / blockHeight;
        long expected = (long) blocksAcross * blocksDown * (planar == 2 ? bands : 1);
        String what = tiled ? "Tile" : "Strip";
        if (offsets == null || byteCounts == null || offsets.length < expected || byteCounts.length < expected) {
            throw new TiffFormatException(where + ": " + what + "Offsets/" + what + "ByteCounts hold "
                    + (offsets == null ? 0 : offsets.length) + "/" + (byteCounts == null ? 0 : byteCounts.length)
                    + " entries, " + expected + " expected for " + width + "x" + height + " in "
                    + blockWidth + "x" + blockHeight + " blocks");
        }
        jpegTables = d.bytes(JPEG_TABLES);
        nodata = parseNodata(d.ascii(GDAL_NODATA));
        geoKeys = GeoReferencing.geoKeys(d);
        geoTransform = GeoReferencing.transform(d, geoKeys);
    }

    /**
     * How many times larger than its stored bytes a block of {@code compression} can decode, at
     * most: PackBits 64 (2 bytes make 128); DEFLATE 1032 (zlib's limit); LZW 4096 (a 9-bit code
     * is at most a 4096-byte string); no bound here for uncompressed blocks (short ones are read
     * padded, as some writers leave them), ZSTD and JPEG.
     */
    private static long maxExpansion(int compression) {
        return switch (compression) {
            case TileDecoder.PACKBITS -> 64;
            case TileDecoder.DEFLATE, TileDecoder.DEFLATE_OLD -> 1032;
            case TileDecoder.LZW -> 4096;
            default -> Long.MAX_VALUE;
        };
    }

    private static int positive(long v, String where, String tag) throws TiffFormatException {
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new TiffFormatException(where + ": " + tag + " is " + v + ", expected 1 to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static OptionalDouble parseNodata(String s) {
        if (s == null || s.isBlank()) {
            return OptionalDouble.empty();
        }
        String t = s.trim();
        if (t.equalsIgnoreCase("nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("+inf")) {
            return OptionalDouble.of(Double.POSITIVE_INFINITY);
        }
        if (t.equalsIgnoreCase("-inf")) {
            return OptionalDouble.of(Double.NEGATIVE_INFINITY);
        }
        try {
            return OptionalDouble.of(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
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

    public DataType dataType() {
        return type;
    }

    public int blockWidth() {
        return blockWidth;
    }

    public int blockHeight() {
        return blockHeight;
    }

    public int blocksAcross() {
        return blocksAcross;
    }

    public int blocksDown() {
        return blocksDown;
    }

    public boolean isTiled() {
        return tiled;
    }

    /** Position in the file's IFD chain, 0 first. */
    public int index() {
        return index;
    }

    /** NewSubfileType bit 0: a reduced-resolution version (an overview) of another image. */
    public boolean isReducedResolution() {
        return (subfileType & 1) != 0;
    }

    /** NewSubfileType bit 2: a transparency mask of another image. */
    /** The 0-based band the TIFF declares as alpha (ExtraSamples 1 or 2), or -1 when none is. */
    public int alphaBand() {
        return alphaBand;
    }

    public boolean isMask() {
        return (subfileType & 4) != 0;
    }

    /** TIFF Compression code (259). */
    public int compression() {
        return compression;
    }

    /** "none", "LZW", "DEFLATE", "PackBits", "ZSTD" or "JPEG". */
    public String compressionName() {
        return TileDecoder.compressionName(compression);
    }

    public int predictor() {
        return predictor;
    }

    /** The file's byte order. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The GDAL_NODATA value (tag 42113), NaN when it says "nan". */
    public OptionalDouble nodata() {
        return nodata;
    }

    /** Pixel → CRS transform, with the half-pixel shift of PixelIsPoint applied; empty when none. */
    public Optional<GeoTransform> geoTransform() {
        return geoTransform;
    }

    /** The GeoKeys; an empty directory when the image has none. */
    public GeoKeyDirectory geoKeys() {
        return geoKeys;
    }

    /** The CRS the GeoKeys describe, axes x = east/longitude (see {@link GeoKeyCrs}). */
    public CoordinateReferenceSystem crs() throws NotGeoreferencedException, CrsException {
        return GeoKeyCrs.resolve(src.name(), geoKeys);
    }

    /**
     * The block at column {@code blockX}, row {@code blockY} of the block grid, all bands,
     * {@link #blockWidth()} × {@link #blockHeight()} pixels.
     */
    public PixelBuffer readBlock(int blockX, int blockY) throws IOException {
        PixelBuffer b = block(blockX, blockY);
        PixelBuffer copy = PixelBuffer.allocate(type, b.width(), b.height(), bands);
        copy.copyFrom(b, 0, 0, b.width(), b.height(), 0, 0);
        return copy;
    }

    /** The pixels of the rectangle (x, y, w, h), which must lie inside the image. */
    public PixelBuffer readWindow(int x, int y, int w, int h) throws IOException {
        if (x < 0 || y < 0 || w < 0 || h < 0 || (long) x + w > width || (long) y + h > height) {
            throw new IllegalArgumentException("window " + x + "," + y + " " + w + "x" + h + " is not inside the "
                    + width + "x" + height + " image of " + src.name());
        }
        PixelBuffer out = PixelBuffer.allocate(type, w, h, bands);
        if (w == 0 || h == 0) {
            return out;
        }
        for (int by = y / blockHeight; by <= (y + h - 1) / blockHeight; by++) {
            for (int bx = x / blockWidth; bx <= (x + w - 1) / blockWidth; bx++) {
                PixelBuffer b = block(bx, by);
                int x0 = Math.max(x, bx * blockWidth), x1 = Math.min(x + w, (bx + 1) * blockWidth);
                int y0 = Math.max(y, by * blockHeight), y1 = Math.min(y + h, (by + 1) * blockHeight);
                out.copyFrom(b, x0 - bx * blockWidth, y0 - by * blockHeight, x1 - x0, y1 - y0, x0 - x, y0 - y);
            }
        }
        return out;
    }

    private PixelBuffer block(int bx, int by) throws IOException {
        if (bx < 0 || by < 0 || bx >= blocksAcross || by >= blocksDown) {
            throw new IllegalArgumentException("block " + bx + "," + by + " is outside the " + blocksAcross + "x"
                    + blocksDown + " block grid of " + src.name());
        }
        BlockCache.Key key = new BlockCache.Key(index, by * blocksAcross + bx);
        PixelBuffer b = cache.get(key);
        if (b == null) {
            b = decodeBlock(bx, by);
            cache.put(key, b);
        }
        return b;
    }

    private PixelBuffer decodeBlock(int bx, int by) throws IOException {
        // a strip at the bottom holds only the rows left; a tile always holds a full tile
        int rows = tiled ? blockHeight : Math.min(blockHeight, height - by * blockHeight);
        if (planar == 1) {
            return pad(decodePlane(bx, by, 0, bands, rows), rows);
        }
        PixelBuffer out = PixelBuffer.allocate(type, blockWidth, blockHeight, bands);
        for (int b = 0; b < bands; b++) {
            PixelBuffer plane = decodePlane(bx, by, b, 1, rows);
            for (int i = 0, n = blockWidth * rows; i < n; i++) {
                copySample(plane, i, out, i * bands + b);
            }
        }
        return out;
    }

    private PixelBuffer pad(PixelBuffer p, int rows) {
        if (rows == blockHeight) {
            return p;
        }
        PixelBuffer out = PixelBuffer.allocate(type, blockWidth, blockHeight, bands);
        out.copyFrom(p, 0, 0, blockWidth, rows, 0, 0);
        return out;
    }

    private static void copySample(PixelBuffer from, int i, PixelBuffer to, int j) {
        Object a = from.array(), b = to.array();
        switch (from.type()) {
            case UINT8, INT8 -> ((byte[]) b)[j] = ((byte[]) a)[i];
            case UINT16, INT16 -> ((short[]) b)[j] = ((short[]) a)[i];
            case UINT32, INT32 -> ((int[]) b)[j] = ((int[]) a)[i];
            case FLOAT32 -> ((float[]) b)[j] = ((float[]) a)[i];
            case FLOAT64 -> ((double[]) b)[j] = ((double[]) a)[i];
        }
    }

    /** 1-bit rows (each padded to a whole byte, MSB first) to UINT8 0/255, as GDAL shows masks. */
    private PixelBuffer unpackBits(byte[] data, int w, int rows, int planeBands) throws TiffFormatException {
        int rowBytes = (w * planeBands + 7) / 8;
        byte[] packed = new byte[rowBytes * rows];
        int n = TileDecoder.decompress(data, data.length, compression, packed);
        if (n < packed.length && compression != TileDecoder.NONE) {
            throw new TiffFormatException(src.name() + ": a 1-bit block decodes to " + n + " bytes, "
                    + packed.length + " expected: the block is damaged");
        }
        PixelBuffer p = PixelBuffer.allocate(DataType.UINT8, w, rows, planeBands);
        byte[] a = (byte[]) p.array();
        for (int y = 0; y < rows; y++) {
            for (int i = 0; i < w * planeBands; i++) {
                int bit = (packed[y * rowBytes + i / 8] >> (7 - i % 8)) & 1;
                a[y * w * planeBands + i] = (byte) (bit == 0 ? 0 : 255);
            }
        }
        return p;
    }

    /**
     * Checks, without reading any pixel, that every block's bytes lie inside the file: a file cut
     * short (an interrupted copy or download) is found from its header alone, before a job counts
     * on it. Throws the {@link TiffFormatException} reading the first missing block would throw.
     */
    public void checkBlocksInsideFile() throws IOException {
        long size = src.size();
        for (int i = 0; i < offsets.length; i++) {
            long off = offsets[i], count = byteCounts[i];
            if (count != 0 && (off < 0 || count < 0 || off + count > size || off + count < 0)) {
                int perPlane = blocksAcross * blocksDown;
                int j = i % perPlane;
                String block = (tiled ? "tile " + (j % blocksAcross) + "," + (j / blocksAcross) : "strip " + j)
                        + (planar == 2 ? " of band " + (i / perPlane + 1) : "");
                throw new TiffFormatException(src.name() + ": truncated: " + block + " declares "
                        + Long.toUnsignedString(count) + " bytes at offset " + Long.toUnsignedString(off)
                        + " beyond the end of the file (" + size + " bytes)");
            }
        }
    }

    private PixelBuffer decodePlane(int bx, int by, int band, int planeBands, int rows) throws IOException {
        int i = band * blocksAcross * blocksDown + by * blocksAcross + bx;
        long off = offsets[i], count = byteCounts[i];
        String block = (tiled ? "tile " : "strip ") + (tiled ? bx + "," + by : String.valueOf(by))
                + (planar == 2 ? " of band " + (band + 1) : "");
        long raw = bilevel ? (long) (blockWidth * planeBands + 7) / 8 * rows
                : (long) blockWidth * rows * planeBands * type.bytes();
        if (count == 0) {
            PixelBuffer p = PixelBuffer.allocate(type, blockWidth, rows, planeBands);
            if (nodata.isPresent()) {
                p.fill(nodata.getAsDouble());
            }
            return p;
        }
        long size = src.size();
        if (off < 0 || count < 0 || off + count > size || off + count < 0) {
            throw new TiffFormatException(src.name() + ": " + block + " declares " + Long.toUnsignedString(count)
                    + " bytes at offset " + Long.toUnsignedString(off) + " beyond the end of the file (" + size
                    + " bytes)");
        }
        if (count > raw * 10 + 4096) {
            throw new TiffFormatException(src.name() + ": " + block + " declares " + count + " bytes, more than ten"
                    + " times its " + raw + " uncompressed bytes");
        }
        long factor = maxExpansion(compression);
        long most = count > Long.MAX_VALUE / factor ? Long.MAX_VALUE : factor * count;
        if (!bilevel && raw > most) {
            // checked before the block's decoded size is allocated: a damaged SamplesPerPixel or
            // tile size would otherwise ask for hundreds of MiB per block (OutOfMemoryError)
            throw new TiffFormatException(src.name() + ": " + block + " cannot decode to " + raw + " bytes from "
                    + count + " bytes of " + compressionName() + " (at most " + most + "): the image's sizes are damaged");
        }
        byte[] data;
        try {
            ByteBuffer bb = src.read(off, (int) count);
            data = new byte[(int) count];
            bb.get(data);
        } catch (EOFException e) {
            throw new TiffFormatException(src.name() + ": truncated: " + block + " (" + count + " bytes at offset "
                    + off + ") lies beyond the end of the file", e);
        }
        try {
            if (compression == TileDecoder.JPEG) {
                PixelBuffer p = JpegBlockDecoder.decode(data, data.length, jpegTables, blockWidth, rows, bands);
                return p;
            }
            if (bilevel) {
                return unpackBits(data, blockWidth, rows, planeBands);
            }
            byte[] out = new byte[(int) raw];
            int n = TileDecoder.decompress(data, data.length, compression, out);
            if (n < out.length && compression != TileDecoder.NONE) {
                throw new TiffFormatException(src.name() + ": " + block + " (" + compressionName() + ") decodes to "
                        + n + " bytes, " + raw + " expected: the block is damaged");
            }
            return TileDecoder.toPixels(out, predictor, type, blockWidth, rows, planeBands, order);
        } catch (IllegalArgumentException | IOException e) {
            if (e instanceof TiffFormatException t) {
                throw t;
            }
            throw new TiffFormatException(src.name() + ": " + block + " cannot be decoded: " + e.getMessage(), e);
        }
    }
}
