package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How {@link CheckpointStores} picks a store plug-in for a URL, with stand-in providers. */
class CheckpointStoresTest {

    /** Accepts {@code scheme:...} only; never opens anything. */
    private record SchemeProvider(String scheme) implements CheckpointStoreProvider {
        @Override
        public boolean accepts(String url) {
            return url.startsWith(scheme + ":");
        }

        @Override
        public CheckpointStore open(String url, String jobId, boolean readOnly) {
            throw new UnsupportedOperationException();
        }
    }

    private static final CheckpointStoreProvider FILE = new SchemeProvider("file");
    private static final CheckpointStoreProvider MEMORY = new SchemeProvider("memory");

    @Test
    void theFirstProviderThatAcceptsTheUrlIsChosen() {
        assertThat(CheckpointStores.providerFor("memory:x", List.of(FILE, MEMORY))).isSameAs(MEMORY);
        assertThat(CheckpointStores.providerFor("file:x", List.of(FILE, MEMORY, new SchemeProvider("file"))))
                .isSameAs(FILE);
    }

    @Test
    void aUrlNoProviderAcceptsFailsNamingTheUrlItsSchemeAndTheSchemesAvailable() {
        assertThatThrownBy(() -> CheckpointStores.providerFor("postgresql://db/cairn", List.of(FILE, MEMORY)))
                .isInstanceOfSatisfying(UnknownStoreException.class, e -> {
                    assertThat(e.url()).isEqualTo("postgresql://db/cairn");
                    assertThat(e.schemes()).containsExactly("file", "memory");
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessage("Checkpoint store postgresql://db/cairn: this build of cairn has no checkpoint store for"
                        + " scheme 'postgresql' (the schemes available are: file, memory).");
    }

    @Test
    void aBarePathNoProviderAcceptsFailsWithoutInventingAScheme() {
        assertThatThrownBy(() -> CheckpointStores.providerFor("C:\\out\\checkpoint.db", List.of(MEMORY)))
                .isInstanceOf(UnknownStoreException.class)
                .hasMessage("Checkpoint store C:\\out\\checkpoint.db: no checkpoint store of this build of cairn"
                        + " accepts it (the schemes available are: memory).");
    }

    @Test
    void withoutAnyStorePluginTheMessageSaysWhatToPutOnTheClassPath() {
        assertThatThrownBy(() -> CheckpointStores.providerFor("out/.cairn/checkpoint.db", List.of()))
                .isInstanceOf(UnknownStoreException.class)
                .hasMessageContaining("no checkpoint store plug-in").hasMessageContaining("cairn-store-sqlite");
    }

    @Test
    void theEngineAloneHasNoStorePlugin() {
        assertThat(CheckpointStores.schemes()).isEmpty();
        assertThatThrownBy(() -> CheckpointStores.open("sqlite:x.db", null, true))
                .isInstanceOf(UnknownStoreException.class);
    }
}
