package dev.cairn.cli.gdal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ogrinfo -so -al FILE} (GDAL 3.x) says about each layer: how GDAL itself understands a
 * GeoPackage. The layer block looks like
 *
 * <pre>
 * Layer name: places
 * Geometry: Unknown (any)
 * Feature Count: 9
 * Extent: (7.438632, 46.951080) - (7.491211, 46.987052)
 * Layer SRS WKT:
 * GEOGCRS["WGS 84", ...
 *     ID["EPSG",4326]]
 * Data axis to CRS axis mapping: 2,1
 * FID Column = fid
 * Geometry Column = geom
 * s: String (0.0)
 * </pre>
 *
 * {@link Layer#facts()} keeps every line but the extent and the WKT, to be compared verbatim with
 * the reference; {@link Layer#srsWkt()} and {@link Layer#extent()} are compared separately.
 */
record OgrInfoSummary(String raw, Map<String, Layer> layers) {
    private static final Pattern EXTENT = Pattern.compile(
            "Extent: \\(([-0-9.e+]+), ([-0-9.e+]+)\\) - \\(([-0-9.e+]+), ([-0-9.e+]+)\\)");
    private static final Pattern TOP_LEVEL_ID = Pattern.compile("^    ID\\[\"([^\"]+)\",([0-9]+)\\]\\]$");

    record Layer(String name, List<String> facts, String srsWkt, double[] extent) {
        /** The authority code GDAL attaches to the layer CRS as a whole (e.g. "EPSG:4326"), or null. */
        String srsAuthorityCode() {
            String[] lines = srsWkt.split("\n");
            Matcher m = TOP_LEVEL_ID.matcher(lines[lines.length - 1]);
            return m.matches() ? m.group(1) + ":" + m.group(2) : null;
        }
    }

    static OgrInfoSummary parse(String out) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        String name = null;
        List<String> facts = new ArrayList<>();
        StringBuilder wkt = new StringBuilder();
        double[] extent = null;
        boolean inWkt = false;
        for (String line : (out + "\nLayer name: \u0000").split("\n")) {
            if (line.startsWith("Layer name: ")) {
                if (name != null) {
                    layers.put(name, new Layer(name, List.copyOf(facts), wkt.toString().strip(), extent));
                }
                name = line.substring("Layer name: ".length());
                facts.clear();
                wkt.setLength(0);
                extent = null;
                inWkt = false;
            } else if (name == null || line.isBlank()) {
                continue;
            } else if (line.equals("Layer SRS WKT:")) {
                inWkt = true;
            } else if (inWkt && !line.startsWith("Data axis to CRS axis mapping")) {
                wkt.append(line).append('\n');
            } else if (line.startsWith("Extent: ")) {
                inWkt = false;
                Matcher m = EXTENT.matcher(line);
                extent = m.matches() ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))} : null;
            } else {
                inWkt = false;
                facts.add(line);
            }
        }
        return new OgrInfoSummary(out, layers);
    }

    /** Lines in which GDAL complains (ERROR n: ..., Warning n: ...). */
    static List<String> complaints(String ogrinfoOutput) {
        return ogrinfoOutput.lines().filter(l -> l.startsWith("ERROR") || l.startsWith("Warning")).toList();
    }
}
