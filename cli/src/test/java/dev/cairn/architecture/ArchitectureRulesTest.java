package dev.cairn.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ArchitectureRules} fails on a fixture that breaks it (package
 * {@code dev.cairn.archfixture}, test sources only): a rule that cannot fail would prove nothing.
 */
class ArchitectureRulesTest {
    private static final String ROOT = "dev.cairn.archfixture";
    private static JavaClasses fixtures;

    @BeforeAll
    static void importFixtures() {
        fixtures = new ClassFileImporter().importPackages(ROOT);
    }

    @Test
    void anEngineClassUsingJtsBreaksTheEngineRule() {
        assertThatThrownBy(() -> ArchitectureRules.engineKnowsNothingOfGeometryCrsJdbcDriversOrTheCli(ROOT).check(fixtures))
                .isInstanceOf(AssertionError.class).hasMessageContaining("org.locationtech.jts.geom.Geometry");
    }

    @Test
    void twoPackagesUsingEachOtherBreakTheCycleRule() {
        assertThatThrownBy(() -> ArchitectureRules.noPackageCycles(ROOT).check(fixtures))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Cycle detected");
    }

    @Test
    void aConvertClassNamingTheGeoPackageProviderBreaksTheFormatRule() {
        assertThatThrownBy(() -> ArchitectureRules.convertPipelineAndCliNameNoConcreteFormat(ROOT).check(fixtures))
                .isInstanceOf(AssertionError.class).hasMessageContaining("archfixture.geo.gpkg.FixtureProvider");
    }
}
