package dev.cairn.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresLocationTest {

    @Test
    void theUrlAUserTypesBecomesAJdbcUrlWithCredentialsAsProperties() {
        PostgresLocation where = PostgresLocation.parse(
                "postgresql://db.example:5433/cairn?user=alice&password=s%26cret&sslmode=require", n -> null);

        assertThat(where.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/cairn");
        assertThat(where.properties()).containsEntry("user", "alice").containsEntry("password", "s&cret")
                .containsEntry("sslmode", "require").containsEntry("tcpKeepAlive", "true");
        assertThat(where.display()).isEqualTo("postgresql://alice@db.example:5433/cairn").doesNotContain("cret");
    }

    @Test
    void missingCredentialsComeFromPgUserAndPgPassword() {
        Map<String, String> env = Map.of("PGUSER", "bob", "PGPASSWORD", "pw");
        PostgresLocation where = PostgresLocation.parse("postgres://localhost/jobs", env::get);

        assertThat(where.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/jobs");
        assertThat(where.properties()).containsEntry("user", "bob").containsEntry("password", "pw");
    }

    @Test
    void aUrlWithoutHostOrDatabaseIsRejectedWithoutShowingThePassword() {
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://host?password=secret", n -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgresql://host[:port]/database")
                .hasMessageNotContaining("secret");
        assertThat(new PostgresStoreProvider().accepts("postgresql://h/db")).isTrue();
        assertThat(new PostgresStoreProvider().accepts("sqlite:/tmp/x.db")).isFalse();
        assertThat(new PostgresStoreProvider().accepts("/tmp/postgresql://x")).isFalse();
    }
}
