package dev.cairn.geo.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.FormatProvider;

/**
 * The vector formats cairn knows: every {@link FormatProvider} registered in
 * {@code META-INF/services/dev.cairn.geo.format.FormatProvider}, in registration order.
 *
 * <p>{@link #detect} judges a file by its content — the first {@value #HEAD_BYTES} bytes handed to
 * every provider's {@link FormatProvider#probe probe} — never by its extension: a GeoJSON file
 * named {@code .gpkg} is GeoJSON. Immutable and thread-safe once built.
 */
public final class FormatRegistry {
    /** How much of a file the probes see. */
    public static final int HEAD_BYTES = 4096;

    private final List<FormatProvider> providers;

    public FormatRegistry(List<FormatProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /** The providers found by {@link ServiceLoader} on this class's class loader. */
    public static FormatRegistry load() {
        List<FormatProvider> found = new ArrayList<>();
        ServiceLoader.load(FormatProvider.class, FormatRegistry.class.getClassLoader()).forEach(found::add);
        return new FormatRegistry(found);
    }

    public List<FormatProvider> providers() {
        return providers;
    }

    /** The names accepted by {@link #forName}, in registration order. */
    public List<String> names() {
        return providers.stream().map(FormatProvider::name).toList();
    }

    /** The provider called {@code name} (case-insensitive), e.g. {@code "gpkg"}. */
    public Optional<FormatProvider> forName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return providers.stream().filter(p -> p.name().equals(wanted)).findFirst();
    }

    /** Every provider's extensions, e.g. for discovering inputs in a directory; candidates only, see {@link #detect}. */
    public List<String> extensions() {
        return providers.stream().flatMap(p -> p.extensions().stream()).distinct().toList();
    }

    /**
     * What {@code file}'s content is when it is a common non-vector format (a TIFF or PNG image,
     * an archive...), judged by its first bytes, so that a GeoTIFF named {@code .shp} is reported
     * as what it is instead of as a broken Shapefile; empty otherwise (or when unreadable).
     */
    public static Optional<String> foreignContent(Path file) {
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (starts(h, 'I', 'I', 42, 0) || starts(h, 'M', 'M', 0, 42) || starts(h, 'I', 'I', 43, 0) || starts(h, 'M', 'M', 0, 43)) {
            return Optional.of("a TIFF image (GeoTIFF rasters are not vector data)");
        }
        if (starts(h, 0x89, 'P', 'N', 'G')) {
            return Optional.of("a PNG image");
        }
        if (starts(h, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("a JPEG image");
        }
        if (starts(h, 'P', 'K', 3, 4)) {
            return Optional.of("a ZIP archive (unpack it first)");
        }
        if (starts(h, 0x1F, 0x8B)) {
            return Optional.of("a gzip archive (unpack it first)");
        }
        if (starts(h, '%', 'P', 'D', 'F')) {
            return Optional.of("a PDF document");
        }
        return Optional.empty();
    }

    private static boolean starts(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The format of {@code file}, judged by its content. None or more than one matching provider is
     * a permanent FORMAT failure naming the file; an unreadable file an IO failure.
     */
    public FormatProvider detect(Path file) throws AssetFailure {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, file + ": file not found", e);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<FormatProvider> matches = new ArrayList<>();
        for (FormatProvider p : providers) {
            boolean yes;
            try {
                yes = p.probe(file, head);
            } catch (RuntimeException e) {
                yes = false; // a probe that trips over odd bytes has answered no
            }
            if (yes) {
                matches.add(p);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            Optional<String> foreign = foreignContent(file);
            throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": not a GeoPackage, Shapefile, GeoJSON or "
                    + "FlatGeobuf file (" + (head.length == 0 ? "the file is empty"
                    : foreign.isPresent() ? "the content is " + foreign.get()
                    : "its first bytes match none of the formats " + String.join(", ", names())) + ")");
        }
        throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": the content matches several formats ("
                + String.join(", ", matches.stream().map(FormatProvider::name).toList())
                + "); name the one to use with --format");
    }
}
