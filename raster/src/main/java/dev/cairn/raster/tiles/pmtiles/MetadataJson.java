package dev.cairn.raster.tiles.pmtiles;

import java.util.Map;
import java.util.Set;

/**
 * The JSON metadata of an exported archive: the MBTiles {@code metadata} table as one JSON object,
 * in the table's order. Every value is a JSON string as stored, except {@code minzoom} and
 * {@code maxzoom}, which become numbers when they are integers. {@code bounds} ("w,s,e,n") and
 * {@code center} ("lon,lat,zoom") stay the MBTiles strings: their numeric form is in the header,
 * and readers that map the metadata to string values (planetiler's among them) reject arrays.
 * Written by hand: main code has no JSON library, and this is a flat object of strings.
 */
final class MetadataJson {

    private static final Set<String> INTEGERS = Set.of("minzoom", "maxzoom");

    private MetadataJson() {
    }

    static String of(Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            quote(json, e.getKey()).append(':');
            String v = e.getValue();
            if (INTEGERS.contains(e.getKey()) && v.trim().matches("-?\\d{1,9}")) {
                json.append(Integer.parseInt(v.trim()));
            } else {
                quote(json, v);
            }
        }
        return json.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
