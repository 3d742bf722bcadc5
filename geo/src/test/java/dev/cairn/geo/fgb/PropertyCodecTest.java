package dev.cairn.geo.fgb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.geo.format.FieldType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertyCodecTest {

    @Test
    void aDateIsWrittenAsItsIsoDateAtMidnightForEveryYearIncludingThoseBeyondFourDigits() {
        PropertyCodec codec = new PropertyCodec();
        List<LocalDate> dates = new ArrayList<>(List.of(LocalDate.of(0, 1, 1), LocalDate.of(7, 2, 3),
                LocalDate.of(999, 12, 31), LocalDate.of(1970, 1, 1), LocalDate.of(2024, 2, 29),
                LocalDate.of(9999, 12, 31), LocalDate.of(10000, 1, 1), LocalDate.of(-1, 6, 15),
                LocalDate.of(-12345, 3, 9)));
        for (LocalDate d = LocalDate.of(1899, 12, 25); d.isBefore(LocalDate.of(1901, 1, 10)); d = d.plusDays(1)) {
            dates.add(d);
        }
        for (LocalDate date : dates) {
            byte[] encoded = codec.encode(new FieldType[] {FieldType.DATE}, new String[] {"d"}, new Object[] {date});

            ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getShort()).isZero(); // the column
            byte[] text = new byte[b.getInt()];
            b.get(text);
            assertThat(b.hasRemaining()).isFalse();
            assertThat(new String(text, StandardCharsets.UTF_8)).isEqualTo(date + "T00:00:00");
        }
    }
}
