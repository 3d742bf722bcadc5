package dev.cairn.cli.gdal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * GeoTIFFs for the raster tests, written by GDAL, and rasters read back through GDAL: the test's
 * pixels go out as a raw ENVI file that {@code gdal_translate} turns into a GeoTIFF with the
 * given CRS, corners and creation options; any raster comes back through {@code gdal_translate
 * -of ENVI} (raw, band-sequential) plus {@code gdalinfo -json}. cairn's own reader plays no part,
 * so a test compares cairn with GDAL, never cairn with itself.
 */
public final class RasterFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RasterFixture() {
    }

    /** Skips the calling test without GDAL's tools, or fails under CAIRN_REQUIRE_GDAL=1 (see GdalCommand). */
    public static void assumeGdal() {
        GdalCommand.assumeInstalled();
    }

    /**
     * A raster read through GDAL: size, bands, GDAL type name, geotransform, nodata (NaN when
     * none) and the samples band-sequential as doubles ({@code data[band][y * width + x]}).
     */
    public record Raster(int width, int height, String type, double[] geoTransform, double nodata, double[][] data,
            JsonNode info) {
        int bands() {
            return data.length;
        }

        double get(int band, int x, int y) {
            return data[band][y * width + x];
        }
    }

    /**
     * Writes {@code NAME.tif} in {@code dir}: {@code bands} bands of GDAL type {@code type} (Byte,
     * UInt16, Int16, Float32), a smooth gradient with texture and seeded noise (so that resampling
     * kernels differ), georeferenced by {@code srs} and the corners {@code ulx uly lrx lry}, with
     * GDAL creation options {@code co} (e.g. TILED=YES, COMPRESS=DEFLATE).
     */
    public static Path geotiff(Path dir, String name, int width, int height, int bands, String type, String srs,
            double ulx, double uly, double lrx, double lry, Double nodata, long seed, String... co)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int bytes = switch (type) {
            case "Byte" -> 1;
            case "UInt16", "Int16" -> 2;
            case "Float32" -> 4;
            default -> throw new IllegalArgumentException(type);
        };
        double scale = switch (type) {
            case "Byte" -> 1;
            case "UInt16" -> 200;
            case "Int16" -> 100;
            default -> 0.37;
        };
        Random random = new Random(seed);
        ByteBuffer raw = ByteBuffer.allocate(width * height * bands * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double v = 40 + 150.0 * (x + y) / (width + height) + 30 * Math.sin(x / 7.0 + b) * Math.cos(y / 11.0)
                            + random.nextInt(9) - 4;
                    v = Math.max(1, Math.min(254, v)) * scale;
                    boolean hole = nodata != null && ((x / 37 + y / 29) % 11 == 0);
                    if (hole) {
                        v = nodata;
                    }
                    switch (type) {
                        case "Byte" -> raw.put((byte) Math.round(v));
                        case "UInt16", "Int16" -> raw.putShort((short) Math.round(v));
                        default -> raw.putFloat((float) v);
                    }
                }
            }
        }
        Path img = dir.resolve(name + ".img");
        Files.write(img, raw.array());
        int enviType = switch (type) {
            case "Byte" -> 1;
            case "Int16" -> 2;
            case "UInt16" -> 12;
            default -> 4;
        };
        Files.writeString(dir.resolve(name + ".hdr"), "ENVI\nsamples = " + width + "\nlines = " + height + "\nbands = "
                + bands + "\nheader offset = 0\nfile type = ENVI Standard\ndata type = " + enviType
                + "\ninterleave = bsq\nbyte order = 0\n");
        Path tif = dir.resolve(name + ".tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff", "-a_srs", srs, "-a_ullr",
                Double.toString(ulx), Double.toString(uly), Double.toString(lrx), Double.toString(lry)));
        if (nodata != null) {
            cmd.addAll(List.of("-a_nodata", nodata.toString()));
        }
        for (String option : co) {
            cmd.addAll(List.of("-co", option));
        }
        cmd.add(img.toString());
        cmd.add(tif.toString());
        GdalCommand.run(cmd.toArray(String[]::new));
        Files.delete(img);
        Files.delete(dir.resolve(name + ".hdr"));
        Files.deleteIfExists(dir.resolve(name + ".img.aux.xml"));
        return tif;
    }

    /** The SHA-256 of a file, hex: outputs that must be byte for byte the same are compared by it. */
    public static String sha256(Path file) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads any raster GDAL opens (overview {@code level} 0 = full resolution) as samples and metadata. */
    public static Raster read(Path file, Path scratch) throws IOException, InterruptedException {
        return read(file, scratch, 0);
    }

    static Raster read(Path file, Path scratch, int overview) throws IOException, InterruptedException {
        JsonNode info = JSON.readTree(GdalCommand.run("gdalinfo", "-json", file.toString()));
        Files.createDirectories(scratch);
        Path raw = Files.createTempFile(scratch, "raster", ".img");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "ENVI"));
        if (overview > 0) {
            cmd.addAll(List.of("-ovr", Integer.toString(overview - 1)));
        }
        cmd.add(file.toString());
        cmd.add(raw.toString());
        GdalCommand.run(cmd.toArray(String[]::new));
        JsonNode bandsInfo = info.get("bands");
        String type = bandsInfo.get(0).get("type").asText();
        int width;
        int height;
        if (overview > 0) {
            JsonNode o = bandsInfo.get(0).get("overviews").get(overview - 1).get("size");
            width = o.get(0).asInt();
            height = o.get(1).asInt();
        } else {
            width = info.get("size").get(0).asInt();
            height = info.get("size").get(1).asInt();
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.nativeOrder());
        String hdr = Files.readString(Path.of(raw.toString().replaceAll("\\.img$", ".hdr")));
        if (hdr.contains("byte order = 1")) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        }
        double[][] data = new double[bandsInfo.size()][width * height];
        for (double[] band : data) {
            for (int i = 0; i < band.length; i++) {
                band[i] = switch (type) {
                    case "Byte" -> buf.get() & 0xFF;
                    case "Int8" -> buf.get();
                    case "UInt16" -> buf.getShort() & 0xFFFF;
                    case "Int16" -> buf.getShort();
                    case "UInt32" -> buf.getInt() & 0xFFFFFFFFL;
                    case "Int32" -> buf.getInt();
                    case "Float32" -> buf.getFloat();
                    case "Float64" -> buf.getDouble();
                    default -> throw new IllegalArgumentException("type " + type);
                };
            }
        }
        double[] gt = new double[6];
        JsonNode g = info.get("geoTransform");
        for (int i = 0; i < 6 && g != null; i++) {
            gt[i] = g.get(i).asDouble();
        }
        JsonNode nd = bandsInfo.get(0).get("noDataValue");
        double nodata = nd == null ? Double.NaN : nd.asDouble();
        return new Raster(width, height, type, gt, nodata, data, info);
    }
}
