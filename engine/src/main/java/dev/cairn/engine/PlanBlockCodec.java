package dev.cairn.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bytes of a plan block: the assets a store keeps in one row instead of a row each, so that
 * planning a million assets writes a few hundred rows. Both stores write their blocks with this
 * codec (SQLite's {@code PlanBlocks}, PostgreSQL's {@code PgPlanBlocks}); what a block row holds
 * beside its payload, and when its assets become rows, is each store's own.
 *
 * <pre>
 * payload = count:int32, then per asset, in claim order:
 *           seq:int64  id  input  part  output  input_size:int64  input_mtime:int64
 * string  = length:int32 (-1 for null), then that many bytes of UTF-8
 * </pre>
 * Big-endian ({@link DataOutputStream}). Written by hand because it is twenty lines and the
 * format must never change under a stored checkpoint, which a serialization library's default
 * does not promise.
 */
public final class PlanBlockCodec {

    /** An asset of a block with its planning order (its seq within the job). */
    public record Entry(long seq, Asset asset) {
    }

    /** The order claims take assets in: larger input first, then planning order. */
    public static final Comparator<Entry> CLAIM_ORDER =
            Comparator.comparingLong((Entry e) -> e.asset().inputSize()).reversed().thenComparingLong(Entry::seq);

    private PlanBlockCodec() {
    }

    public static byte[] encode(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (Entry e : entries) {
                Asset a = e.asset();
                out.writeLong(e.seq());
                writeString(out, a.id());
                writeString(out, a.input());
                writeString(out, a.part());
                writeString(out, a.output());
                out.writeLong(a.inputSize());
                out.writeLong(a.inputMtimeMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    /**
     * @throws UncheckedIOException if the payload is truncated or not a block
     */
    public static List<Entry> decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int n = in.readInt();
            List<Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long seq = in.readLong();
                String id = readString(in);
                String input = readString(in);
                String part = readString(in);
                String output = readString(in);
                long size = in.readLong();
                long mtime = in.readLong();
                entries.add(new Entry(seq, new Asset(id, input, part, output, size, mtime)));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("A plan block of the checkpoint cannot be decoded", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated string: " + b.length + " of " + n + " bytes");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
