package dev.cairn.geo.shp;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * dBase field names: at most 10 bytes, unique regardless of case. Longer names are cut to 10
 * bytes (at a character boundary); a name that collides with an earlier one becomes its first 8
 * bytes + {@code _1} … {@code _9}, then its first 7 + {@code _10} … {@code _99}: GDAL's scheme, so
 * {@code population_2020, population_2021} become {@code population, populati_1} in both tools.
 * Deterministic: the result depends only on the names and their order.
 */
final class FieldNames {
    static final int MAX_BYTES = 10;

    private FieldNames() {
    }

    /** The stored names for {@code names}, in order; throws when no unique name is left (over 100 clashes). */
    static List<String> launder(List<String> names, Charset charset) {
        List<String> out = new ArrayList<>(names.size());
        Set<String> used = new HashSet<>();
        for (String original : names) {
            String name = cut(original.isEmpty() ? "FIELD_" + (out.size() + 1) : original, MAX_BYTES, charset);
            if (used.contains(key(name))) {
                String unique = null;
                for (int i = 1; i < 100 && unique == null; i++) {
                    String suffix = "_" + i;
                    String candidate = cut(name, MAX_BYTES - suffix.length(), charset) + suffix;
                    if (!used.contains(key(candidate))) {
                        unique = candidate;
                    }
                }
                if (unique == null) {
                    throw new IllegalArgumentException("too many fields whose names start with '" + name + "'");
                }
                name = unique;
            }
            used.add(key(name));
            out.add(name);
        }
        return out;
    }

    /** The longest prefix of {@code s} whose encoding fits in {@code maxBytes}. */
    static String cut(String s, int maxBytes, Charset charset) {
        if (s.getBytes(charset).length <= maxBytes) {
            return s;
        }
        int end = 0;
        while (end < s.length()) {
            int next = s.offsetByCodePoints(end, 1);
            if (s.substring(0, next).getBytes(charset).length > maxBytes) {
                break;
            }
            end = next;
        }
        return s.substring(0, end);
    }

    private static String key(String name) {
        return name.toUpperCase(Locale.ROOT);
    }
}
