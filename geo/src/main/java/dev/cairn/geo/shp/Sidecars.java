package dev.cairn.geo.shp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The files of one shapefile: same stem, extensions .shp .shx .dbf .prj .cpg in either case. */
final class Sidecars {
    static final List<String> WRITTEN = List.of(".dbf", ".shx", ".prj", ".cpg");

    private Sidecars() {
    }

    /** The file name without its extension. */
    static String stem(Path shp) {
        String name = shp.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * The sidecar's name: the stem plus {@code ext} (upper case when the .shp's extension is).
     * A main file not named {@code .shp} (a temp name such as {@code .out.shp.1.cairn-tmp})
     * keeps its whole name, {@code .out.shp.1.cairn-tmp.dbf}, so that temp-file clean-up
     * matching the temp name also finds its sidecars.
     */
    static Path expected(Path shp, String ext) {
        String name = shp.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".shp")) {
            return shp.resolveSibling(name + ext);
        }
        boolean upper = name.endsWith(".SHP");
        return shp.resolveSibling(stem(shp) + (upper ? ext.toUpperCase(Locale.ROOT) : ext));
    }

    /** The existing sidecar with this extension, trying the .shp's case, lower and upper case; or null. */
    static Path find(Path shp, String ext) {
        for (Path p : List.of(expected(shp, ext), shp.resolveSibling(stem(shp) + ext),
                shp.resolveSibling(stem(shp) + ext.toUpperCase(Locale.ROOT)))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
