package dev.cairn.raster.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code Content-Range} response header (RFC 9110 §14.4): {@code bytes 0-16383/805306368},
 * {@code bytes 0-16383/*} (total unknown), or {@code bytes *}{@code /805306368} (a 416's "the file has").
 *
 * @param first the first byte sent, or -1 for the unsatisfied form
 * @param last  the last byte sent (inclusive), or -1 for the unsatisfied form
 * @param total the file's length, or -1 when the server says {@code *}
 */
record ContentRange(long first, long last, long total) {
    private static final Pattern SATISFIED = Pattern.compile("\\s*bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)\\s*");
    private static final Pattern UNSATISFIED = Pattern.compile("\\s*bytes\\s+\\*/(\\d+)\\s*");

    /** Parses {@code header}; null when it is absent or not of the forms above. */
    static ContentRange parse(String header) {
        if (header == null) {
            return null;
        }
        try {
            Matcher m = SATISFIED.matcher(header);
            if (m.matches()) {
                long first = Long.parseLong(m.group(1));
                long last = Long.parseLong(m.group(2));
                long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                if (last < first || (total >= 0 && last >= total)) {
                    return null;
                }
                return new ContentRange(first, last, total);
            }
            m = UNSATISFIED.matcher(header);
            if (m.matches()) {
                return new ContentRange(-1, -1, Long.parseLong(m.group(1)));
            }
        } catch (NumberFormatException tooLong) {
            return null;
        }
        return null;
    }

    long length() {
        return first < 0 ? 0 : last - first + 1;
    }
}
