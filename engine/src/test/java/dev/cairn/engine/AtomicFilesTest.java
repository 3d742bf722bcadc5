package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void commitReplacesTheOutputAndLeavesNoTempFile() throws Exception {
        Path out = dir.resolve("a.gpkg");
        Files.writeString(out, "old");
        Path temp = AtomicFiles.tempFor(out, 3);
        Files.writeString(temp, "new content");

        String checksum = AtomicFiles.commit(temp, out);

        assertThat(Files.readString(out)).isEqualTo("new content");
        assertThat(temp).doesNotExist();
        CRC32C crc = new CRC32C();
        crc.update("new content".getBytes());
        assertThat(checksum).isEqualTo(String.format("crc32c:%08x", crc.getValue()));
        assertThat(AtomicFiles.checksum(out)).isEqualTo(checksum);
    }

    @Test
    void tempFilesAreHiddenSiblingsRecognisedAsTemp() {
        Path out = dir.resolve("sub").resolve("b.gpkg");
        Path temp = AtomicFiles.tempFor(out, 1);
        assertThat(temp.getParent()).isEqualTo(out.getParent());
        assertThat(temp.getFileName().toString()).startsWith(".b.gpkg.");
        assertThat(AtomicFiles.isTemp(temp)).isTrue();
        assertThat(AtomicFiles.isTemp(out)).isFalse();
    }

    @Test
    void leftoversOfEarlierAttemptsAreRemovedButNotOtherFiles() throws Exception {
        Path out = dir.resolve("c.gpkg");
        Files.writeString(AtomicFiles.tempFor(out, 1), "x");
        Files.writeString(dir.resolve(AtomicFiles.tempFor(out, 2).getFileName() + "-journal"), "x");
        Files.writeString(AtomicFiles.tempFor(dir.resolve("cc.gpkg"), 1), "other output's temp");
        Files.writeString(out, "done output");

        assertThat(AtomicFiles.removeLeftovers(out)).isEqualTo(2);

        assertThat(out).hasContent("done output");
        assertThat(AtomicFiles.tempFor(dir.resolve("cc.gpkg"), 1)).exists();
    }
}
