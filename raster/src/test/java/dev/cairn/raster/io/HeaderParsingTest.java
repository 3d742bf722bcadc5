package dev.cairn.raster.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The response headers a range reader depends on: Content-Range and Retry-After, in every form servers send. */
class HeaderParsingTest {

    @Test
    void aSatisfiedContentRangeGivesFirstLastAndTotal() {
        assertThat(ContentRange.parse("bytes 0-16383/805306368")).isEqualTo(new ContentRange(0, 16383, 805306368));
        assertThat(ContentRange.parse("bytes 0-16383/805306368").length()).isEqualTo(16384);
        assertThat(ContentRange.parse("bytes 100-199/*")).isEqualTo(new ContentRange(100, 199, -1));
    }

    @Test
    void anUnsatisfiedContentRangeGivesOnlyTheTotal() {
        assertThat(ContentRange.parse("bytes */0")).isEqualTo(new ContentRange(-1, -1, 0));
        assertThat(ContentRange.parse("bytes */0").length()).isZero();
    }

    @Test
    void malformedOrInconsistentContentRangesAreRejected() {
        assertThat(ContentRange.parse(null)).isNull();
        assertThat(ContentRange.parse("bytes 5-4/10")).isNull();
        assertThat(ContentRange.parse("bytes 0-10/10")).isNull();
        assertThat(ContentRange.parse("items 0-1/10")).isNull();
        assertThat(ContentRange.parse("bytes 0-99999999999999999999/1")).isNull();
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:27:00Z");
        assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:26:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }

    @Test
    void statusesAreNamedAndClassed() {
        assertThat(HttpStatusText.of(404)).isEqualTo("HTTP 404 Not Found");
        assertThat(HttpStatusText.of(418)).isEqualTo("HTTP 418");
        assertThat(HttpStatusText.isTransient(503)).isTrue();
        assertThat(HttpStatusText.isTransient(429)).isTrue();
        assertThat(HttpStatusText.isTransient(408)).isTrue();
        assertThat(HttpStatusText.isTransient(501)).isFalse();
        assertThat(HttpStatusText.isTransient(404)).isFalse();
    }
}
