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

    @Test
    void textIsWrittenAsItsUtf8BytesWhateverItsCharactersIncludingLoneSurrogates() {
        PropertyCodec codec = new PropertyCodec();
        List<String> texts = List.of("", "forest", "Zürich 0", "Genève 1", "naïve café", "ÿ\u0080\u07ff\u0800",
                "東京都", "\uffff\ud7ff\ue000", "emoji \ud83d\ude00 pair", "lone \ud800 high", "lone \udc00 low",
                "ends high \ud83d", "x".repeat(300) + "é".repeat(300) + "€".repeat(300));
        for (String text : texts) {
            byte[] encoded = codec.encode(new FieldType[] {FieldType.INTEGER, FieldType.STRING},
                    new String[] {"i", "s"}, new Object[] {7, text});

            ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getShort()).isZero();
            assertThat(b.getInt()).isEqualTo(7);
            assertThat(b.getShort()).isEqualTo((short) 1);
            byte[] bytes = new byte[b.getInt()];
            b.get(bytes);
            assertThat(b.hasRemaining()).isFalse();
            assertThat(bytes).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void numbersAreLittleEndianAndAValueThatDoesNotFitItsFieldIsRefusedNamingTheField() {
        PropertyCodec codec = new PropertyCodec();
        byte[] encoded = codec.encode(new FieldType[] {FieldType.LONG, FieldType.DOUBLE, FieldType.BOOLEAN,
                FieldType.BINARY}, new String[] {"l", "d", "b", "x"},
                new Object[] {-2L, -0.0, true, new byte[] {1, 2, 3}});

        ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort()).isZero();
        assertThat(b.getLong()).isEqualTo(-2L);
        assertThat(b.getShort()).isEqualTo((short) 1);
        assertThat(Double.doubleToRawLongBits(b.getDouble())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(b.getShort()).isEqualTo((short) 2);
        assertThat(b.get()).isEqualTo((byte) 1);
        assertThat(b.getShort()).isEqualTo((short) 3);
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(new byte[] {b.get(), b.get(), b.get()}).containsExactly(1, 2, 3);
        assertThat(b.hasRemaining()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.encode(new FieldType[] {FieldType.INTEGER},
                new String[] {"big"}, new Object[] {1L << 40})).hasMessageContaining("field 'big'");
    }
}
