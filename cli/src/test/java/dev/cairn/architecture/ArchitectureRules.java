package dev.cairn.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The one-way dependencies of DESIGN §5 as ArchUnit rules, each over a package root
 * ({@code dev.cairn} for the product; {@link ArchitectureRulesTest} applies them to small
 * fixtures that break them, to prove that each one can fail).
 *
 * <pre>
 *   cli ──► geo (convert ─► chunk ─► gpkg, pipeline, format, crs) ──► engine ◄── store.sqlite
 * </pre>
 */
final class ArchitectureRules {
    /** The concrete vector formats, reached only through the FormatProvider SPI from above them. */
    static final String[] FORMAT_PACKAGES = {"geo.gpkg", "geo.shp", "geo.geojson", "geo.fgb"};

    private ArchitectureRules() {
    }

    /** The engine imports no geometry, no CRS library, no JDBC driver, no CLI, and none of cairn's upper layers. */
    static ArchRule engineKnowsNothingOfGeometryCrsJdbcDriversOrTheCli(String root) {
        return noClasses().that().resideInAPackage(root + ".engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.locationtech..", "org.apache.sis..", "org.opengis..", "org.wololo..", "mil.nga..",
                        "org.sqlite..", "org.postgresql..", "picocli..", "me.tongfei..", "ch.qos.logback..",
                        root + ".cli..", root + ".geo..", root + ".raster..", root + ".store..")
                .because("the engine is a library of its own: dependencies point one way, cli -> geo/raster -> engine, stores -> engine (DESIGN §5)");
    }

    /** No cycle between any two of cairn's packages. */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .because("a package cycle makes two packages one (DESIGN §5)");
    }

    /** The convert job, the pipeline and the CLI reach formats through their capabilities, never by name. */
    static ArchRule convertPipelineAndCliNameNoConcreteFormat(String root) {
        String[] formats = new String[FORMAT_PACKAGES.length];
        for (int i = 0; i < formats.length; i++) {
            formats[i] = root + "." + FORMAT_PACKAGES[i] + "..";
        }
        return noClasses().that().resideInAnyPackage(root + ".geo.convert..", root + ".geo.pipeline..", root + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(formats)
                .because("a new format is a provider and a registration, not an instanceof in the job (FormatProvider)");
    }

    /** Geo knows nothing of picocli, logging back-ends or the CLI. */
    static ArchRule geoKnowsNothingOfTheCli(String root) {
        return noClasses().that().resideInAPackage(root + ".geo..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "me.tongfei..", "ch.qos.logback..",
                        root + ".cli..")
                .because("only the CLI prints, parses flags or exits (DESIGN §5)");
    }

    /** The CLI opens checkpoint stores through the engine's plug-in registry, never by their class. */
    static ArchRule cliNamesNoStoreImplementation(String root) {
        return noClasses().that().resideInAPackage(root + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(root + ".store..")
                .because("--store takes a URL resolved by a CheckpointStoreProvider; a new store is a plug-in, not an if in the CLI");
    }

    /** Checkpoint stores depend on the engine only. */
    static ArchRule storesDependOnTheEngineOnly(String root) {
        return noClasses().that().resideInAPackage(root + ".store..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".geo..", root + ".cli..", root + ".raster..")
                .because("stores are plug-ins of the engine's CheckpointStore SPI (DESIGN §5)");
    }
}
