package dev.cairn.geo.pipeline;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.format.FormatProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A whole-file conversion between two formats that beats {@link FeatureConverter}'s decode,
 * transform, encode of every feature (GeoPackage to GeoPackage: geometry blobs are transcoded
 * in place and every other column copied as it is, with a packed R-tree). Found with
 * {@link ServiceLoader} ({@code META-INF/services/dev.cairn.geo.pipeline.DirectConverter}) and
 * registered by the format package that owns it, so that the convert job takes the fast path
 * without naming a format. Writes to a temp file; the caller publishes it.
 */
public interface DirectConverter {

    /** True when this converter handles files of {@code input} written as {@code output}. */
    boolean converts(FormatProvider input, FormatProvider output);

    /**
     * Converts every feature layer of {@code input} into a new file at {@code temp}, with the same
     * guarantees and failures as {@link FeatureConverter#convert}.
     */
    FeatureConverter.Result convert(Path input, Path temp, FeatureConverter.Options options, ProcessContext ctx)
            throws AssetFailure;

    /** The registered converter for this pair of formats, if any. */
    static Optional<DirectConverter> between(FormatProvider input, FormatProvider output) {
        return Registered.ALL.stream().filter(c -> c.converts(input, output)).findFirst();
    }

    /** The registered converters, loaded once. */
    final class Registered {
        static final List<DirectConverter> ALL = load();

        private Registered() {
        }

        private static List<DirectConverter> load() {
            List<DirectConverter> found = new ArrayList<>();
            ServiceLoader.load(DirectConverter.class, DirectConverter.class.getClassLoader()).forEach(found::add);
            return List.copyOf(found);
        }
    }
}
