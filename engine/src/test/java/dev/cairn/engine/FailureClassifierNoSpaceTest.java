package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures say the disk is full, and which file they name (see {@link FailureClassifier#noSpace}). */
class FailureClassifierNoSpaceTest {
    @Test
    void aFileSystemExceptionNoSpaceLeftNamesItsFile() {
        var e = new FileSystemException("/data/out/a.gpkg.tmp", null, "No space left on device");
        assertThat(FailureClassifier.noSpace(e, "fallback")).contains("/data/out/a.gpkg.tmp");
        assertThat(FailureClassifier.isTransient(e)).isFalse();
    }

    @Test
    void aWrappedIoExceptionWithoutAFileNamesTheFallback() {
        var e = new UncheckedIOException(new IOException("No space left on device"));
        assertThat(FailureClassifier.noSpace(e, "out/a.gpkg")).contains("out/a.gpkg");
    }

    @Test
    void sqliteFullAnywhereInTheCauseChainIsAFullDisk() {
        var e = AssetFailure.transientFailure(ErrorClass.IO, "out/a.gpkg: cannot write",
                new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"));
        assertThat(FailureClassifier.noSpace(e, "out/a.gpkg")).contains("out/a.gpkg");
        assertThat(FailureClassifier.isTransient(e)).isFalse();
    }

    @Test
    void otherIoFailuresAreNotAFullDisk() {
        var e = new FileSystemException("/data/out/a.gpkg", null, "Input/output error");
        assertThat(FailureClassifier.noSpace(e, "x")).isEmpty();
        assertThat(FailureClassifier.isTransient(e)).isTrue();
    }

    @Test
    void aFullCheckpointStoreIsNamedByTheStoresMessage() {
        var e = new StoreException("Cannot complete a1 in checkpoint /data/out/.cairn/checkpoint.db: [SQLITE_FULL]"
                + " database or disk is full.", new java.sql.SQLException("[SQLITE_FULL]"), false);
        assertThat(FailureClassifier.noSpace(e, "out/a.gpkg")).get().asString()
                .contains("checkpoint store").contains("/data/out/.cairn/checkpoint.db");
    }
}
