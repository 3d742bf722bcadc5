package dev.cairn.archfixture.geo.convert;

import dev.cairn.archfixture.geo.gpkg.FixtureProvider;

/** Breaks the format rule on purpose: an instanceof on a concrete provider (see ArchitectureRulesTest). */
public class ConvertNamingAFormat {
    public boolean isGpkg(Object provider) {
        return provider instanceof FixtureProvider;
    }
}
