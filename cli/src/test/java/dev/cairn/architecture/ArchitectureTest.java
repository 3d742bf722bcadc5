package dev.cairn.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** cairn's own classes (tests excluded) keep the rules of {@link ArchitectureRules}. */
class ArchitectureTest {
    private static JavaClasses cairn;

    @BeforeAll
    static void importCairn() {
        cairn = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // geo's test jar (sample data)
                .importPackages("dev.cairn");
    }

    @Test
    void theEngineImportsNoGeometryCrsJdbcDriverOrCliPackage() {
        ArchitectureRules.engineKnowsNothingOfGeometryCrsJdbcDriversOrTheCli("dev.cairn").check(cairn);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        ArchitectureRules.noPackageCycles("dev.cairn").check(cairn);
    }

    @Test
    void convertPipelineAndCliImportNoConcreteFormatPackage() {
        ArchitectureRules.convertPipelineAndCliNameNoConcreteFormat("dev.cairn").check(cairn);
    }

    @Test
    void geoImportsNothingOfTheCli() {
        ArchitectureRules.geoKnowsNothingOfTheCli("dev.cairn").check(cairn);
    }

    @Test
    void theCliNamesNoStoreImplementation() {
        ArchitectureRules.cliNamesNoStoreImplementation("dev.cairn").check(cairn);
    }

    @Test
    void storesImportTheEngineOnly() {
        ArchitectureRules.storesDependOnTheEngineOnly("dev.cairn").check(cairn);
    }
}
