package dev.cairn.raster.warp;

import dev.cairn.raster.DataType;
import dev.cairn.raster.GeoTransform;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test inputs and GDAL's outputs as raw pixels: a raster written from Java as an ENVI raw file
 * (band-interleaved by pixel, little-endian), turned into a GeoTIFF by {@code gdal_translate
 * -a_srs -a_ullr [-a_nodata]}; gdalwarp's GeoTIFF output read back through {@code gdal_translate
 * -of ENVI} and {@code gdalinfo -json}.
 */
final class GdalRasters {

    private GdalRasters() {
    }

    /** A raster read back: its grid and pixels. */
    record Raster(GeoTransform geoTransform, int width, int height, PixelBuffer pixels) {
    }

    /** A GeoTIFF written by GDAL from {@code pixels}, and the in-memory source over the same pixels. */
    record Input(Path tif, MemorySource source) {
    }

    static Input write(Path dir, String name, PixelBuffer pixels, String srs, double ulx, double uly, double lrx,
            double lry, Double nodata) throws IOException, InterruptedException {
        Path raw = dir.resolve(name + ".bin");
        Files.write(raw, pixels.toBytes(ByteOrder.LITTLE_ENDIAN).array());
        Files.writeString(dir.resolve(name + ".hdr"), "ENVI\nsamples = " + pixels.width() + "\nlines = "
                + pixels.height() + "\nbands = " + pixels.bands() + "\nheader offset = 0\nfile type = ENVI Standard\n"
                + "data type = " + enviType(pixels.type()) + "\ninterleave = bip\nbyte order = 0\n");
        Path tif = dir.resolve(name + ".tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff", "-a_srs", srs, "-a_ullr",
                Double.toString(ulx), Double.toString(uly), Double.toString(lrx), Double.toString(lry)));
        if (nodata != null) {
            cmd.addAll(List.of("-a_nodata", Double.toString(nodata)));
        }
        cmd.addAll(List.of(raw.toString(), tif.toString()));
        Gdal.run(cmd.toArray(String[]::new));
        Raster info = read(tif, dir, pixels.type()); // the geotransform exactly as GDAL stored it
        return new Input(tif, new MemorySource(pixels, info.geoTransform(),
                nodata == null ? OptionalDouble.empty() : OptionalDouble.of(nodata)));
    }

    /** Runs gdalwarp from {@code in} to a new GeoTIFF and reads it back. */
    static Raster gdalwarp(Path in, Path dir, String name, DataType type, String... args)
            throws IOException, InterruptedException {
        Path out = dir.resolve(name + ".tif");
        List<String> cmd = new ArrayList<>(List.of("gdalwarp", "-q", "-overwrite", "-of", "GTiff"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of(in.toString(), out.toString()));
        Gdal.run(cmd.toArray(String[]::new));
        return read(out, dir, type);
    }

    static Raster read(Path tif, Path dir, DataType type) throws IOException, InterruptedException {
        String json = Gdal.run("gdalinfo", "-json", tif.toString());
        int[] size = ints(json, "size", 2);
        double[] gt = numbers(json, "geoTransform", 6);
        int bands = count(json, "\"band\":");
        Path raw = dir.resolve(tif.getFileName() + ".readback.bin");
        Gdal.run("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", tif.toString(), raw.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw));
        PixelBuffer p = PixelBuffer.fromBytes(type, size[0], size[1], bands, bytes, ByteOrder.LITTLE_ENDIAN);
        return new Raster(GeoTransform.of(gt), size[0], size[1], p);
    }

    /** A CRS definition as OGC WKT 1, from anything gdalsrsinfo reads (a PROJ string). */
    static String wkt1(String definition) throws IOException, InterruptedException {
        return Gdal.run("gdalsrsinfo", "-o", "wkt1", definition).trim();
    }

    private static int enviType(DataType t) {
        return switch (t) {
            case UINT8 -> 1;
            case INT16 -> 2;
            case INT32 -> 3;
            case FLOAT32 -> 4;
            case FLOAT64 -> 5;
            case UINT16 -> 12;
            case UINT32 -> 13;
            case INT8 -> throw new IllegalArgumentException("ENVI has no signed 8-bit type");
        };
    }

    private static double[] numbers(String json, String key, int n) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in gdalinfo output:\n" + json);
        }
        String[] parts = m.group(1).split(",");
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Double.parseDouble(parts[i].trim());
        }
        return d;
    }

    private static int[] ints(String json, String key, int n) {
        double[] d = numbers(json, key, n);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = (int) d[i];
        }
        return r;
    }

    private static int count(String s, String needle) {
        int c = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            c++;
        }
        return c;
    }

    /** A smooth but textured test pattern in [38, 218] (never 0): sums of sines. */
    static double pattern(int x, int y) {
        return 128 + 50 * Math.sin(x / 6.0) * Math.cos(y / 9.0) + 40 * Math.sin((x + 2 * y) / 23.0);
    }

    /** {@code bands} bands of {@link #pattern} (band b shifted by 7b pixels), scaled and offset. */
    static PixelBuffer patterned(DataType type, int w, int h, int bands, double scale, double offset) {
        PixelBuffer p = PixelBuffer.allocate(type, w, h, bands);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    p.set(x, y, b, pattern(x + 7 * b, y) * scale + offset);
                }
            }
        }
        return p;
    }
}
