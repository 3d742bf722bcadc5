package dev.cairn.geo.geojson;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Head reading and file-name rules shared by the two GeoJSON providers. */
final class GeoJsonFiles {
    /** RFC 7946 §4: GeoJSON coordinates are longitude, latitude on WGS 84. */
    static final dev.cairn.geo.format.RequiredCrs RFC_7946 = new dev.cairn.geo.format.RequiredCrs("EPSG:4326",
            "GeoJSON output is always EPSG:4326 longitude/latitude (RFC 7946)");

    static final List<String> SEQUENCE_EXTENSIONS = List.of(".geojsons", ".geojsonl", ".geojsonseq");

    private GeoJsonFiles() {
    }

    /** The file's name as it will be published (a temp file's output, see AtomicFiles), lower case. */
    static String finalName(Path file) {
        return AtomicFiles.outputOfTemp(file).orElse(file).getFileName().toString().toLowerCase(Locale.ROOT);
    }

    static boolean hasSequenceExtension(Path file) {
        String name = finalName(file);
        return SEQUENCE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** Opens a source after looking at the head: a FeatureCollection, or a sequence of Features. */
    static GeoJsonSource open(Path file) throws AssetFailure {
        byte[] head = new byte[HeadSniffer.MAX_HEAD];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        } catch (IOException e) {
            throw JsonInput.failure(file, e);
        }
        HeadSniffer.Layout layout = HeadSniffer.sniff(java.util.Arrays.copyOf(head, n));
        if (layout == HeadSniffer.Layout.NONE) {
            if (n == 0) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": empty file, expected GeoJSON");
            }
            // let the reader report the exact position of the problem
            return new GeoJsonSource(file, false);
        }
        return new GeoJsonSource(file, layout != HeadSniffer.Layout.COLLECTION);
    }
}
