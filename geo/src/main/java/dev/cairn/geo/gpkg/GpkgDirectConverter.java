package dev.cairn.geo.gpkg;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.pipeline.DirectConverter;
import dev.cairn.geo.pipeline.FeatureConverter;
import java.nio.file.Path;

/** GeoPackage to GeoPackage by {@link GpkgConverter}'s byte-level path, registered as a {@link DirectConverter}. */
public final class GpkgDirectConverter implements DirectConverter {

    @Override
    public boolean converts(FormatProvider input, FormatProvider output) {
        return input instanceof GpkgProvider && output instanceof GpkgProvider;
    }

    @Override
    public FeatureConverter.Result convert(Path input, Path temp, FeatureConverter.Options options, ProcessContext ctx)
            throws AssetFailure {
        GpkgConverter.Result r = GpkgConverter.convert(input, temp, new GpkgConverter.Options(options.targetCrs(),
                options.assumeCrs(), options.expectCrs(), options.onInvalid(), options.allowBallpark()), ctx);
        return new FeatureConverter.Result(r.features(), r.layers(), r.layerNames(), r.issues());
    }
}
