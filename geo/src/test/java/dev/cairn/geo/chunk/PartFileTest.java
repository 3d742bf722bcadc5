package dev.cairn.geo.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Envelope;

class PartFileTest {
    @TempDir
    Path dir;

    @Test
    void aRangeRunningPastTheEndOfAPartGoesOnAtTheStartOfTheNext() throws Exception {
        List<Path> parts = List.of(part("part-0", 3, 10), part("part-1", 2, 50));
        byte[] first = Files.readAllBytes(parts.get(0));
        byte[] second = Files.readAllBytes(parts.get(1));
        List<long[]> records = new ArrayList<>(); // place, length
        try (PartFile.Sequence sequence = PartFile.Sequence.open(parts)) {
            sequence.forEach((minX, minY, maxX, maxY, place, length) -> records.add(new long[] {place, length}));
            assertThat(records).hasSize(5);
            // from the last record of part 0 to the end of the first record of part 1: part 0's trailer in between
            long from = records.get(2)[0];
            long to = records.get(3)[0] + records.get(3)[1];
            ByteBuffer dst = ByteBuffer.allocate((int) (to - from) + 7);
            dst.position(3);
            sequence.read(from, (int) (to - from), dst);
            assertThat((long) dst.position()).isEqualTo(3 + to - from);
            assertThat(dst.limit()).isEqualTo(dst.capacity());
            byte[] expected = new byte[(int) (to - from)];
            int tail = (int) (first.length - from);
            System.arraycopy(first, (int) from, expected, 0, tail);
            System.arraycopy(second, 0, expected, tail, expected.length - tail);
            assertThat(Arrays.copyOfRange(dst.array(), 3, 3 + expected.length)).isEqualTo(expected);
            assertThat(records.get(3)[0]).isEqualTo(first.length);
        }
    }

    /** A part of {@code n} records of 8 bytes each, record {@code k} filled with {@code base + k}. */
    private Path part(String name, int n, int base) throws Exception {
        Path file = dir.resolve(name);
        try (PartFile.Writer writer = new PartFile.Writer(file)) {
            for (int k = 0; k < n; k++) {
                byte[] record = new byte[8];
                Arrays.fill(record, (byte) (base + k));
                writer.add(ByteBuffer.wrap(record), new Envelope(k, k + 1, k, k + 1));
            }
            writer.finish();
        }
        return file;
    }
}
