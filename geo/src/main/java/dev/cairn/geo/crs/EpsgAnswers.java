package dev.cairn.geo.crs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import javax.sql.DataSource;

import org.apache.sis.resources.embedded.EmbeddedResources;
import org.apache.sis.setup.Configuration;
import org.apache.sis.util.Version;

/**
 * The answers of the EPSG database kept across runs, so that a run resolving the CRS codes of the
 * runs before it does not start the database at all.
 *
 * <p>Why: the EPSG dataset is a Derby database read from inside the jar. Booting it and compiling
 * the SQL that Apache SIS sends takes one to two seconds of every process, which is most of the
 * time of converting one small file. SIS builds its CRS and operations from what the database
 * answers; {@link ReplayingJdbc} hands SIS the recorded answers to the very same questions, so SIS
 * builds the very same objects (results stay bit-identical) and Derby is opened only for a
 * question not seen before.
 *
 * <p><b>Validity.</b> The file holds the {@linkplain #fingerprint fingerprint} of what answered (SIS
 * version, the dataset's build record, Derby version) and is used only when it is equal, text for
 * text: another dataset or Derby is another file, never a stale answer. When the user points SIS
 * at another database ({@code SIS_DATA}, JNDI), nothing is installed and SIS works as without
 * this class.
 *
 * <p><b>File</b> ({@code epsg-answers-HASH.bin}, HASH of the fingerprint, in the user's cache directory:
 * {@code $XDG_CACHE_HOME/cairn}, else {@code ~/.cache/cairn}; the system property
 * {@code cairn.cache.dir} overrides it, {@code cairn.epsg.cache=off} switches this class off):
 * <pre>
 *   "cairn-epsg-answers" (UTF)  format (int, 1)  fingerprint (int length + UTF-8)  count (int)
 *   count × ( key (int length + UTF-8 bytes)  tag (byte)  value )
 *   tags: 0 null, 1 String (int length + UTF-8), 2 Integer, 3 Long, 4 Double, 5 Float, 6 Short,
 *         7 Byte, 8 Boolean, 9 BigDecimal (as String), 10 java.sql.Date, 11 java.sql.Timestamp
 *         (millis, nanos), 12 java.sql.Time, 13 byte[] (int length + bytes)
 * </pre>
 * Written at exit when the run recorded new answers: merged with the file as it is then, written
 * to a temporary file and renamed over it, so two runs ending together leave one whole file (at
 * worst without the other's new answers, which the next run records again). A file that cannot be
 * read is ignored; a cache that cannot be written costs the next run its speed, never its result.
 *
 * <p>Thread-safe.
 */
final class EpsgAnswers {

    private static final String MAGIC = "cairn-epsg-answers";
    private static final int FORMAT = 1;
    private static final Object NULL = new Object();

    private final Map<String, Object> answers = new ConcurrentHashMap<>();
    private final Path file;
    private final String fingerprint;
    private volatile boolean dirty;
    private volatile boolean missed;

    EpsgAnswers(Path file, String fingerprint) {
        this.file = file;
        this.fingerprint = fingerprint;
    }

    /**
     * Makes SIS read the EPSG dataset through the recorded answers (with {@code cairn.epsg.cache=off},
     * straight from the same embedded database), if SIS has not opened its
     * database yet and the dataset is the embedded one. Never fails: without it SIS simply opens
     * the database itself.
     */
    static void install() {
        if (notBlank(System.getenv("SIS_DATA")) || notBlank(System.getProperty("SIS_DATA"))
                || System.getProperty("java.naming.factory.initial") != null) {
            return;
        }
        boolean off = "off".equalsIgnoreCase(System.getProperty("cairn.epsg.cache"));
        try {
            // without the cache, the very database SIS would open, with Derby's temporary directory cleaned up
            Configuration.current().setDatabase(off ? EpsgAnswers::embedded : EpsgAnswers::dataSource);
        } catch (RuntimeException e) {
            // SIS has chosen its database already: it keeps it.
        }
    }

    /**
     * Called by SIS on its first database use: the replaying source (the real one is created on
     * the first unseen question only), or the real one when there is no cache to keep.
     */
    private static DataSource dataSource() {
        try {
            Path dir = cacheDirectory();
            String fp = fingerprint();
            if (dir != null && fp != null) {
                EpsgAnswers answers = new EpsgAnswers(dir.resolve(fileName(fp)), fp);
                answers.load();
                Runtime.getRuntime().addShutdownHook(new Thread(answers::saveQuietly, "cairn-epsg-answers"));
                return ReplayingJdbc.dataSource(EpsgAnswers::embedded, answers);
            }
        } catch (IOException | RuntimeException e) {
            // no cache: SIS reads the database itself
        }
        return embedded();
    }

    /** The data source SIS would use by itself: the Derby database inside sis-embedded-data. */
    private static DataSource embedded() {
        DerbyTempDirectory.own();
        return new EmbeddedResources().getResource("Embedded", 0);
    }

    static Path cacheDirectory() {
        return dev.cairn.engine.UserCache.directory();
    }

    /**
     * What the answers depend on, as text compared whole when a file is read: this file's format,
     * the SIS version, the EPSG database's {@code service.properties} (Derby writes it when the
     * database is built, with the time of building: another dataset, another text) and the Derby
     * version. Null when the database is not the embedded one. Reading two small resources keeps
     * this cheap: listing the jar's entries instead took a fifth of a second.
     */
    static String fingerprint() throws IOException {
        String db = resource("/SIS-DATA/Databases/SpatialMetadata/service.properties");
        String derby = resource("/org/apache/derby/info/engine/info.properties");
        if (db == null || derby == null) {
            return null;
        }
        return MAGIC + " " + FORMAT + "\nsis " + Version.SIS + "\n" + db + "\n" + derby;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EmbeddedResources.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The file name of the answers for {@code fingerprint}; a clash of names is caught by the header. */
    static String fileName(String fingerprint) {
        CRC32 crc = new CRC32();
        crc.update(fingerprint.getBytes(StandardCharsets.UTF_8));
        return "epsg-answers-" + Integer.toHexString(fingerprint.hashCode()) + Long.toHexString(crc.getValue()) + ".bin";
    }

    // ---- the answers ----

    /** The recorded answer (to be passed through {@link #unwrap}), or null when the question is new. */
    Object get(String key) {
        return answers.get(key);
    }

    /** Records an answer the real database gave, if its type can be stored. */
    void put(String key, Object value) {
        if (value == null || storable(value)) {
            if (answers.putIfAbsent(key, value == null ? NULL : copy(value)) == null) {
                dirty = true;
            }
        }
    }

    /** A recorded answer as the caller gets it: null for null, a fresh copy of mutable values. */
    static Object unwrap(Object stored) {
        return stored == NULL ? null : copy(stored);
    }

    /** Notes that this run opened the real database (a question was not recorded). */
    void missed() {
        missed = true;
    }

    boolean hasMissed() {
        return missed;
    }

    int size() {
        return answers.size();
    }

    private static boolean storable(Object v) {
        return v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Double
                || v instanceof Float || v instanceof Short || v instanceof Byte || v instanceof Boolean
                || v instanceof BigDecimal || v instanceof java.sql.Date || v instanceof java.sql.Timestamp
                || v instanceof java.sql.Time || v instanceof byte[];
    }

    private static Object copy(Object v) {
        if (v instanceof java.sql.Timestamp t) {
            java.sql.Timestamp c = new java.sql.Timestamp(t.getTime());
            c.setNanos(t.getNanos());
            return c;
        }
        if (v instanceof java.sql.Date d) {
            return new java.sql.Date(d.getTime());
        }
        if (v instanceof java.sql.Time t) {
            return new java.sql.Time(t.getTime());
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        return v;
    }

    // ---- the file ----

    /** Adds the answers of the file, if it is there and whole; a damaged or foreign file counts as absent. */
    void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT || !fingerprint.equals(readString(in))) {
                return;
            }
            int n = in.readInt();
            Map<String, Object> read = new java.util.HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                String key = readString(in);
                read.put(key, readValue(in));
            }
            read.forEach(answers::putIfAbsent);
        } catch (IOException | RuntimeException e) {
            // unreadable (truncated by a crash of another writer, or foreign): the answers come from Derby
        }
    }

    void saveQuietly() {
        try {
            save();
        } catch (IOException | RuntimeException e) {
            // the next run records them again
        }
    }

    /** Writes the answers (merged with those on disk) if this run recorded new ones. */
    void save() throws IOException {
        if (!dirty) {
            return;
        }
        load(); // answers other runs wrote meanwhile
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
                out.writeUTF(MAGIC);
                out.writeInt(FORMAT);
                writeString(out, fingerprint);
                Map<String, Object> snapshot = Map.copyOf(answers);
                out.writeInt(snapshot.size());
                for (Map.Entry<String, Object> e : snapshot.entrySet()) {
                    writeString(out, e.getKey());
                    writeValue(out, e.getValue());
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            dirty = false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 24)) {
            throw new IOException("bad string length " + n);
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeValue(DataOutputStream out, Object v) throws IOException {
        if (v == NULL) {
            out.writeByte(0);
        } else if (v instanceof String s) {
            out.writeByte(1);
            writeString(out, s);
        } else if (v instanceof Integer i) {
            out.writeByte(2);
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte(3);
            out.writeLong(l);
        } else if (v instanceof Double d) {
            out.writeByte(4);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            out.writeByte(5);
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Short s) {
            out.writeByte(6);
            out.writeShort(s);
        } else if (v instanceof Byte b) {
            out.writeByte(7);
            out.writeByte(b);
        } else if (v instanceof Boolean b) {
            out.writeByte(8);
            out.writeBoolean(b);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(9);
            writeString(out, d.toString());
        } else if (v instanceof java.sql.Date d) {
            out.writeByte(10);
            out.writeLong(d.getTime());
        } else if (v instanceof java.sql.Timestamp t) {
            out.writeByte(11);
            out.writeLong(t.getTime());
            out.writeInt(t.getNanos());
        } else if (v instanceof java.sql.Time t) {
            out.writeByte(12);
            out.writeLong(t.getTime());
        } else if (v instanceof byte[] b) {
            out.writeByte(13);
            out.writeInt(b.length);
            out.write(b);
        } else {
            throw new IOException("not storable: " + v.getClass());
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case 0: return NULL;
            case 1: return readString(in);
            case 2: return in.readInt();
            case 3: return in.readLong();
            case 4: return Double.longBitsToDouble(in.readLong());
            case 5: return Float.intBitsToFloat(in.readInt());
            case 6: return in.readShort();
            case 7: return in.readByte();
            case 8: return in.readBoolean();
            case 9: return new BigDecimal(readString(in));
            case 10: return new java.sql.Date(in.readLong());
            case 11: {
                java.sql.Timestamp t = new java.sql.Timestamp(in.readLong());
                t.setNanos(in.readInt());
                return t;
            }
            case 12: return new java.sql.Time(in.readLong());
            case 13: {
                int n = in.readInt();
                if (n < 0 || n > (1 << 24)) {
                    throw new IOException("bad length " + n);
                }
                return in.readNBytes(n);
            }
            default: throw new IOException("unknown tag " + tag);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
