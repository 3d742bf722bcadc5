package dev.cairn.geo.gpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DATE value read digit by digit is the date {@code LocalDate.parse} reads, and a bad one fails as it does. */
class GpkgDateValuesTest {

    @Test
    void everyDayOfLeapAndCommonYearsReadsAsLocalDateParseReadsIt() {
        for (LocalDate d = LocalDate.of(1899, 12, 1); d.isBefore(LocalDate.of(1901, 3, 2)); d = d.plusDays(1)) {
            assertThat(GpkgFeatureSource.date(d.toString())).isEqualTo(d);
        }
        for (LocalDate d = LocalDate.of(2023, 12, 1); d.isBefore(LocalDate.of(2024, 3, 2)); d = d.plusDays(1)) {
            assertThat(GpkgFeatureSource.date(d.toString())).isEqualTo(d);
        }
        for (String s : List.of("0000-01-01", "0001-02-28", "9999-12-31", "2000-02-29", "2024-06-15T12:30:00Z",
                "2024-06-15 trailing")) {
            assertThat(GpkgFeatureSource.date(s)).isEqualTo(LocalDate.parse(s.substring(0, 10)));
        }
    }

    @Test
    void impossibleOrMalformedDatesFailAsLocalDateParseFails() {
        for (String s : List.of("2023-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                "2024-1-01", "20240101", "24-01-01", "2024-0a-01", "2024/01/01", "+2024-01-0", "", "yesterday")) {
            assertThatThrownBy(() -> GpkgFeatureSource.date(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }
}
