package dev.cairn.geo.shp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The text encoding of a .dbf, decided as GDAL decides it: the .cpg sidecar when there is one,
 * else the header's language driver id (LDID), else ISO-8859-1.
 *
 * <p>Encoding trap: LDID 0x57 (87, "ANSI") is what most Esri and GDAL tools write without a
 * .cpg; GDAL reads it as ISO-8859-1, not windows-1252, and so do we (the two differ only in
 * 0x80–0x9F: €, curly quotes, dashes). Writers should always add a .cpg.
 */
final class DbfCharsets {
    private DbfCharsets() {
    }

    /** LDID → Windows/DOS code page, from GDAL's table; 87 is deliberately absent (see class doc). */
    private static final Map<Integer, Integer> LDID_CODE_PAGES = Map.ofEntries(
            Map.entry(1, 437), Map.entry(2, 850), Map.entry(3, 1252), Map.entry(4, 10000),
            Map.entry(8, 865), Map.entry(10, 850), Map.entry(11, 437), Map.entry(13, 437),
            Map.entry(14, 850), Map.entry(15, 437), Map.entry(16, 850), Map.entry(17, 865),
            Map.entry(18, 437), Map.entry(19, 932), Map.entry(20, 850), Map.entry(21, 437),
            Map.entry(22, 850), Map.entry(23, 865), Map.entry(24, 437), Map.entry(25, 437),
            Map.entry(26, 850), Map.entry(27, 437), Map.entry(28, 863), Map.entry(29, 850),
            Map.entry(31, 852), Map.entry(34, 852), Map.entry(35, 852), Map.entry(36, 860),
            Map.entry(37, 850), Map.entry(38, 866), Map.entry(55, 850), Map.entry(64, 852),
            Map.entry(77, 936), Map.entry(78, 949), Map.entry(79, 950), Map.entry(80, 874),
            Map.entry(88, 1252), Map.entry(89, 1252), Map.entry(100, 852), Map.entry(101, 866),
            Map.entry(102, 865), Map.entry(103, 861), Map.entry(106, 737), Map.entry(107, 857),
            Map.entry(108, 863), Map.entry(120, 950), Map.entry(121, 949), Map.entry(122, 936),
            Map.entry(123, 932), Map.entry(124, 874), Map.entry(134, 737), Map.entry(135, 852),
            Map.entry(136, 857), Map.entry(150, 10007), Map.entry(151, 10029), Map.entry(200, 1250),
            Map.entry(201, 1251), Map.entry(202, 1254), Map.entry(203, 1253), Map.entry(204, 1257));

    /** The charset for a language driver id; ISO-8859-1 for 0, 87 and ids without a known code page. */
    static Charset forLanguageDriver(int ldid) {
        Integer cp = LDID_CODE_PAGES.get(ldid);
        Charset cs = cp == null ? null : codePage(cp);
        return cs == null ? StandardCharsets.ISO_8859_1 : cs;
    }

    /**
     * The charset named by a .cpg's content ("UTF-8", "1252", "88591", "ANSI 1251",
     * "ISO-8859-1", ...), or null when it names nothing Java knows.
     */
    static Charset forCpg(String content) {
        String s = content.trim();
        String u = s.toUpperCase(Locale.ROOT);
        if (u.equals("UTF-8") || u.equals("UTF8") || u.equals("65001")) {
            return StandardCharsets.UTF_8;
        }
        if (u.startsWith("ANSI ")) {
            u = u.substring(5).trim();
        }
        if (u.matches("8859\\d{1,2}")) {
            return byName("ISO-8859-" + u.substring(4));
        }
        if (u.matches("\\d{3,5}")) {
            return codePage(Integer.parseInt(u));
        }
        return byName(s);
    }

    private static Charset codePage(int cp) {
        return switch (cp) {
            case 932 -> byName("windows-31j");
            case 10000 -> byName("x-MacRoman");
            case 10007 -> byName("x-MacCyrillic");
            case 10029 -> byName("x-MacCentralEurope");
            default -> {
                for (String name : new String[] {"windows-" + cp, "x-windows-" + cp, "IBM" + cp, "x-IBM" + cp,
                        "Cp" + cp}) {
                    Charset cs = byName(name);
                    if (cs != null) {
                        yield cs;
                    }
                }
                yield null;
            }
        };
    }

    private static Charset byName(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
