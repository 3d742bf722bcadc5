package dev.cairn.raster.cog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.raster.DataType;
import dev.cairn.raster.PixelBuffer;
import dev.cairn.raster.testing.Gdal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GDAL as the oracle of the COG tests: pixels in and out through raw ENVI files (band-interleaved
 * by pixel, little-endian, the layout of a {@link PixelBuffer}), the COG validator, gdalinfo.
 */
final class GdalOracle {
    /**
     * The site directory of the validator's GDAL bindings ({@code .../dist-packages}, three levels
     * up from {@code osgeo_utils/samples/validate_cloud_optimized_geotiff.py}): added to
     * PYTHONPATH when the {@code python3} on PATH is not the one the bindings were installed for.
     */
    private static final Path BINDINGS = Gdal.COG_VALIDATOR.getParent().getParent().getParent();
    private static Boolean needsPythonPath;

    private GdalOracle() {
    }

    static int enviType(DataType t) {
        return switch (t) {
            case UINT8 -> 1;
            case INT16 -> 2;
            case INT32 -> 3;
            case FLOAT32 -> 4;
            case FLOAT64 -> 5;
            case UINT16 -> 12;
            case UINT32 -> 13;
            case INT8 -> throw new IllegalArgumentException("ENVI has no int8");
        };
    }

    /** Writes the pixels as {@code name.bin} + {@code name.hdr} and converts them to a plain GeoTIFF {@code name.tif}. */
    static Path plainGeoTiff(Path dir, String name, PixelBuffer p, Double nodata) throws Exception {
        Path bin = dir.resolve(name + ".bin");
        Files.write(bin, p.toBytes(ByteOrder.LITTLE_ENDIAN).array());
        String hdr = "ENVI\nsamples = " + p.width() + "\nlines = " + p.height() + "\nbands = " + p.bands()
                + "\nheader offset = 0\nfile type = ENVI Standard\ndata type = " + enviType(p.type())
                + "\ninterleave = bip\nbyte order = 0\n";
        Files.writeString(dir.resolve(name + ".hdr"), hdr, StandardCharsets.US_ASCII);
        Path tif = dir.resolve(name + ".tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff"));
        if (nodata != null) {
            cmd.addAll(List.of("-a_nodata", CogWriter.formatNodata(nodata)));
        }
        cmd.addAll(List.of(bin.toString(), tif.toString()));
        Gdal.run(cmd.toArray(String[]::new));
        return tif;
    }

    /** The pixels of {@code tif} (overview {@code ovr}, or the full resolution when -1) as GDAL reads them. */
    static PixelBuffer read(Path tif, int ovr, DataType type, Path dir) throws Exception {
        Path out = Files.createTempFile(dir, "read", ".bin");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP"));
        if (ovr >= 0) {
            cmd.addAll(List.of("-ovr", Integer.toString(ovr)));
        }
        cmd.addAll(List.of(tif.toString(), out.toString()));
        Gdal.run(cmd.toArray(String[]::new));
        JsonNode info = info(tif);
        JsonNode size = ovr < 0 ? info.get("size") : info.get("bands").get(0).get("overviews").get(ovr).get("size");
        int w = size.get(0).asInt(), h = size.get(1).asInt();
        int bands = info.get("bands").size();
        byte[] bytes = Files.readAllBytes(out);
        return PixelBuffer.fromBytes(type, w, h, bands, ByteBuffer.wrap(bytes), ByteOrder.LITTLE_ENDIAN);
    }

    static JsonNode info(Path tif) throws Exception {
        String out = Gdal.run("gdalinfo", "-json", tif.toString());
        return new ObjectMapper().readTree(out.substring(out.indexOf('{')));
    }

    /** Runs GDAL's COG validator with the leader/trailer check; returns its output (the run fails on a non-zero exit). */
    static String validate(Path cog) throws Exception {
        return python(Gdal.COG_VALIDATOR.toString(), "--full-check=yes", cog.toString());
    }

    /** Runs python3 with the arguments, with the GDAL bindings importable; fails on a non-zero exit. */
    private static String python(String... args) throws IOException, InterruptedException {
        synchronized (GdalOracle.class) {
            if (needsPythonPath == null) {
                if (runPython(false, "-c", "from osgeo import gdal").exit == 0) {
                    needsPythonPath = false;
                } else if (runPython(true, "-c", "from osgeo import gdal").exit == 0) {
                    needsPythonPath = true;
                } else {
                    throw new AssertionError("python3 cannot import the GDAL bindings, not even from " + BINDINGS
                            + " (install the Debian package python3-gdal)");
                }
            }
        }
        Result r = runPython(needsPythonPath, args);
        if (r.exit != 0) {
            throw new IOException("exit " + r.exit + ": python3 " + String.join(" ", args) + "\n" + r.output);
        }
        return r.output;
    }

    private record Result(int exit, String output) {
    }

    private static Result runPython(boolean withBindingsPath, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PROJ_NETWORK", "OFF");
        if (withBindingsPath) {
            pb.environment().put("PYTHONPATH", BINDINGS.toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }

    /** Index and values of the first sample where two buffers differ by more than {@code tolerance}, or null. */
    static String firstDifference(PixelBuffer expected, PixelBuffer actual, double tolerance) {
        if (expected.width() != actual.width() || expected.height() != actual.height()
                || expected.bands() != actual.bands()) {
            return "size " + actual.width() + "x" + actual.height() + "x" + actual.bands() + ", expected "
                    + expected.width() + "x" + expected.height() + "x" + expected.bands();
        }
        int diffs = 0;
        String first = null;
        for (int i = 0; i < expected.sampleCount(); i++) {
            double e = expected.getAt(i), a = actual.getAt(i);
            boolean same = Double.compare(e, a) == 0 || Math.abs(e - a) <= tolerance;
            if (!same) {
                if (first == null) {
                    int px = i / expected.bands();
                    first = "sample " + i + " (x=" + px % expected.width() + ", y=" + px / expected.width()
                            + ", band " + i % expected.bands() + "): expected " + e + ", got " + a;
                }
                diffs++;
            }
        }
        return first == null ? null : diffs + " samples differ; first at " + first;
    }
}
