package dev.cairn.raster.tiff;

import static dev.cairn.raster.tiff.TiffDirectory.*;

import dev.cairn.raster.GeoKeyDirectory;
import dev.cairn.raster.GeoTransform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The georeferencing tags of an IFD decoded: the GeoKey directory (34735, with its double and
 * ASCII parameters 34736/34737) and the pixel → model transform.
 *
 * <pre>
 *   34735 (SHORT): KeyDirectoryVersion KeyRevision MinorRevision NumberOfKeys,
 *                  then per key: KeyID TIFFTagLocation Count ValueOffset
 *     location 0     → the value is ValueOffset itself (a SHORT)
 *     location 34736 → Count doubles from index ValueOffset
 *     location 34737 → Count characters from index ValueOffset, '|' terminated
 * </pre>
 *
 * Transform, as GDAL reads it: {@code ModelTransformation} (34264, a 4×4 matrix) when present,
 * else {@code ModelPixelScale} (33550) with the first {@code ModelTiepoint} (33922). Several
 * tiepoints without a scale are ground control points, which cairn does not use (no transform).
 * <b>Trap:</b> with {@code GTRasterTypeGeoKey = RasterPixelIsPoint} the tiepoint names the centre
 * of pixel (0,0); GDAL (by default, GTIFF_POINT_GEO_IGNORE=FALSE) shifts the origin by half a
 * pixel so that its geotransform always addresses pixel corners. So does this class.
 */
final class GeoReferencing {
    private GeoReferencing() {
    }

    static GeoKeyDirectory geoKeys(TiffDirectory d) {
        long[] dir = d.longs(GEO_KEY_DIRECTORY);
        Map<Integer, Object> keys = new LinkedHashMap<>();
        if (dir == null || dir.length < 4) {
            return new GeoKeyDirectory(keys);
        }
        double[] dbl = d.doubles(GEO_DOUBLE_PARAMS);
        String ascii = d.ascii(GEO_ASCII_PARAMS);
        int n = (int) Math.min(dir[3], (dir.length - 4) / 4);
        for (int i = 0; i < n; i++) {
            int p = 4 + i * 4;
            int id = (int) dir[p], loc = (int) dir[p + 1], count = (int) dir[p + 2], off = (int) dir[p + 3];
            if (loc == 0) {
                keys.put(id, off);
            } else if (loc == GEO_DOUBLE_PARAMS && dbl != null && off >= 0 && count >= 0 && off + count <= dbl.length) {
                double[] v = new double[count];
                System.arraycopy(dbl, off, v, 0, count);
                keys.put(id, v);
            } else if (loc == GEO_ASCII_PARAMS && ascii != null && off >= 0 && count >= 0 && off <= ascii.length()) {
                String s = ascii.substring(off, Math.min(ascii.length(), off + count));
                while (s.endsWith("|") || s.endsWith("\0")) {
                    s = s.substring(0, s.length() - 1);
                }
                keys.put(id, s);
            } else if (loc == GEO_KEY_DIRECTORY && off >= 0 && count == 1 && off < dir.length) {
                keys.put(id, (int) dir[off]);
            }
        }
        return new GeoKeyDirectory(keys);
    }

    static Optional<GeoTransform> transform(TiffDirectory d, GeoKeyDirectory keys) {
        double[] gt = null;
        double[] m = d.doubles(MODEL_TRANSFORMATION);
        double[] scale = d.doubles(MODEL_PIXEL_SCALE);
        double[] tie = d.doubles(MODEL_TIEPOINT);
        if (m != null && m.length >= 16) {
            gt = new double[] {m[3], m[0], m[1], m[7], m[4], m[5]};
        } else if (scale != null && scale.length >= 2 && tie != null && tie.length >= 6) {
            gt = new double[] {tie[3] - tie[0] * scale[0], scale[0], 0, tie[4] + tie[1] * scale[1], 0, -scale[1]};
        }
        if (gt == null) {
            return Optional.empty();
        }
        Integer rasterType = keys.intKey(GeoKeyDirectory.RASTER_TYPE);
        if (rasterType != null && rasterType == GeoKeyDirectory.PIXEL_IS_POINT) {
            gt[0] -= 0.5 * gt[1] + 0.5 * gt[2];
            gt[3] -= 0.5 * gt[4] + 0.5 * gt[5];
        }
        return Optional.of(GeoTransform.of(gt));
    }
}
