package dev.cairn.geo.shp;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * An opened shapefile: the .shp, its .shx index and .dbf table, and the optional .prj and .cpg.
 *
 * <p>Opening reads the three headers and checks that they agree (record counts, lengths, the
 * last record inside the .shp); nothing else is loaded. Cursors seek through the .shx, so a
 * range {@code [offset, offset + limit)} starts in O(1), and stream one record at a time.
 * Ranges are over record numbers: fid = record number − 1 as in GDAL; records marked deleted in
 * the .dbf are skipped (their fids are gaps) and counted in {@link LayerDef#featureCount()}.
 *
 * <p>Not thread-safe; each cursor opens its own file channels.
 */
final class ShapefileSource implements FeatureSource {
    static final int SHP_MAGIC = 9994;
    static final int SHP_VERSION = 1000;
    static final GeometryFactory GEOMETRY_FACTORY = new GeometryFactory();

    private final Path shp;
    private final Path shx;
    private final Path dbf;
    private final ShapeType type;
    private final int count;
    private final DbfHeader dbfHeader;
    private final Charset charset;
    private final LayerDef layer;

    private ShapefileSource(Path shp, Path shx, Path dbf, ShapeType type, int count, DbfHeader dbfHeader,
                            Charset charset, LayerDef layer) {
        this.shp = shp;
        this.shx = shx;
        this.dbf = dbf;
        this.type = type;
        this.count = count;
        this.dbfHeader = dbfHeader;
        this.charset = charset;
        this.layer = layer;
    }

    static ShapefileSource open(Path shp) throws AssetFailure {
        Path shx = Sidecars.find(shp, ".shx");
        Path dbf = Sidecars.find(shp, ".dbf");
        if (shx == null) {
            throw failure(Sidecars.expected(shp, ".shx"), "missing: the .shp cannot be read without its index. "
                    + "Restore it, or rebuild it (GDAL: SHAPE_RESTORE_SHX=YES ogrinfo " + shp.getFileName() + ")");
        }
        if (dbf == null) {
            throw failure(Sidecars.expected(shp, ".dbf"), "missing: the attribute table of "
                    + shp.getFileName() + " is required. Restore it next to the .shp");
        }
        try (BlockReader shpIn = new BlockReader(FileChannel.open(shp, StandardOpenOption.READ), 256);
             BlockReader shxIn = new BlockReader(FileChannel.open(shx, StandardOpenOption.READ), 256);
             BlockReader dbfIn = new BlockReader(FileChannel.open(dbf, StandardOpenOption.READ), 8192)) {
            ShapeType type = header(shp, shpIn);
            header(shx, shxIn);
            long shxBody = shxIn.size() - 100;
            if (shxBody % 8 != 0) {
                throw failure(shx, "truncated: " + shxIn.size() + " bytes is not 100 + 8 per record");
            }
            if (shxBody / 8 > Integer.MAX_VALUE) {
                throw failure(shx, "too many records (" + shxBody / 8 + ")");
            }
            int count = (int) (shxBody / 8);
            if (count > 0) {
                checkLastRecord(shp, shpIn, shx, shxIn, count);
            }
            Path cpg = Sidecars.find(shp, ".cpg");
            Charset charset = null;
            if (cpg != null) {
                String name = Files.readString(cpg, StandardCharsets.ISO_8859_1).trim();
                charset = DbfCharsets.forCpg(name);
                if (charset == null && !name.isEmpty()) {
                    throw failure(cpg, "unknown encoding '" + name + "'. Write a known one (UTF-8, 1252, "
                            + "ISO-8859-1) or delete the .cpg");
                }
            }
            DbfHeader dh;
            try {
                ByteBuffer ldid = ByteBuffer.allocate(1);
                if (dbfIn.size() >= 30) {
                    dbfIn.read(29, ldid);
                }
                if (charset == null) {
                    charset = DbfCharsets.forLanguageDriver(Byte.toUnsignedInt(ldid.get(0)));
                }
                dh = DbfHeader.read(dbfIn, charset);
            } catch (DbfHeader.MalformedDbfException e) {
                throw failure(dbf, e.getMessage());
            }
            if (dh.recordCount() != count) {
                throw failure(dbf, dh.recordCount() + " records, but " + shx.getFileName() + " indexes " + count
                        + " shapes: the files do not belong together or one is damaged");
            }
            long needed = dh.headerLength() + (long) count * dh.recordLength();
            if (dbfIn.size() < needed) {
                throw failure(dbf, "truncated: " + count + " records need " + needed + " bytes, the file has "
                        + dbfIn.size());
            }
            boolean hasM = type.m && (!type.z || firstShapeHasM(shp, shpIn, shxIn, count, type));
            PrjCodec.Prj prj = null;
            Path prjFile = Sidecars.find(shp, ".prj");
            if (prjFile != null) {
                byte[] content = Files.readAllBytes(prjFile);
                if (new String(content, StandardCharsets.ISO_8859_1).isBlank()) {
                    prj = null;
                } else {
                    prj = PrjCodec.parse(prjFile.toString(), content); // the path as the user gave it
                }
            }
            List<FieldDef> fields = new ArrayList<>();
            int growth = utf8Growth(charset);
            for (DbfField f : dh.fields()) {
                FieldDef def = f.toFieldDef();
                // a text width counts bytes of the DBF's code page; written as UTF-8 (every output
                // is) the same text may need up to `growth` times as many: declared so, it fits
                fields.add(def.type() == FieldType.STRING && growth > 1
                        ? new FieldDef(def.name(), def.type(), Math.min(254, def.width() * growth), def.precision()) : def);
            }
            LayerDef layer = new LayerDef(Sidecars.stem(shp), type.kind(), type.z, hasM,
                    prj == null ? null : prj.crs(), prj == null ? null : prj.code(), fields, count);
            return new ShapefileSource(shp, shx, dbf, type, count, dh, charset, layer);
        } catch (NoSuchFileException e) {
            throw AssetFailure.permanent(ErrorClass.IO, e.getFile() + ": file not found", e);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, shp + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Checks the 100-byte header shared by .shp and .shx; returns its shape type. */
    private static ShapeType header(Path file, BlockReader in) throws IOException, AssetFailure {
        if (in.size() < 100) {
            throw failure(file, "truncated or not a shapefile: " + in.size() + " bytes, shorter than the "
                    + "100-byte header");
        }
        ByteBuffer h = ByteBuffer.allocate(100);
        in.read(0, h);
        int magic = h.order(ByteOrder.BIG_ENDIAN).getInt(0);
        long declared = Integer.toUnsignedLong(h.getInt(24)) * 2;
        int version = h.order(ByteOrder.LITTLE_ENDIAN).getInt(28);
        int code = h.getInt(32);
        if (magic != SHP_MAGIC || version != SHP_VERSION) {
            throw failure(file, "not a shapefile (file code " + magic + ", version " + version
                    + "; expected 9994 and 1000)");
        }
        if (declared > in.size()) {
            throw failure(file, "truncated: the header declares " + declared + " bytes, the file has " + in.size());
        }
        ShapeType type = ShapeType.ofCode(code);
        if (type == null) {
            throw failure(file, "shape type " + code + (code == 31 ? " (MultiPatch)" : "")
                    + " is not supported; convert it with GDAL first");
        }
        return type;
    }

    private static void checkLastRecord(Path shp, BlockReader shpIn, Path shx, BlockReader shxIn, int count)
            throws IOException, AssetFailure {
        ShxEntry last = ShxEntry.read(shxIn, count - 1);
        if (last.offset() < 100 || last.end() > shpIn.size()) {
            throw failure(shp, "truncated: record " + count + " ends at byte " + last.end() + ", the file has "
                    + shpIn.size() + " bytes (" + shx.getFileName() + " indexes " + count + " records)");
        }
    }

    /**
     * For Z types, where M is optional: measured when the first non-null shape carries an M block
     * with at least one value that is not "no data" (PointZ records always have the slot).
     */
    private static boolean firstShapeHasM(Path shp, BlockReader shpIn, BlockReader shxIn, int count, ShapeType type)
            throws IOException {
        for (int i = 0; i < Math.min(count, 1000); i++) {
            ShxEntry e = ShxEntry.read(shxIn, i);
            if (e.contentLength() < 4 || e.end() > shpIn.size()) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(e.contentLength()).order(ByteOrder.LITTLE_ENDIAN);
            shpIn.read(e.offset() + 8, b);
            if (b.getInt(0) == 0) {
                continue;
            }
            int len = e.contentLength();
            long mAt;
            long n;
            if (type.base == ShapeType.Base.POINT) {
                mAt = 28;
                n = 1;
            } else if (type.base == ShapeType.Base.MULTIPOINT) {
                n = b.getInt(36);
                mAt = 40 + 16 * n + 16 + 8 * n + 16;
            } else {
                n = b.getInt(40);
                mAt = 44 + 4L * b.getInt(36) + 16 * n + 16 + 8 * n + 16;
            }
            if (n <= 0 || len < mAt + 8 * n) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (!Double.isNaN(ShapeDecoder.measure(b.getDouble((int) (mAt + 8 * k))))) {
                    return true;
                }
            }
            return false;
        }
        return false;
    }

    @Override
    public List<LayerDef> layers() {
        return List.of(layer);
    }

    @Override
    public FeatureCursor cursor(int index, long offset, long limit) throws AssetFailure {
        if (index != 0) {
            throw new IndexOutOfBoundsException("a shapefile has one layer; asked for layer " + index);
        }
        long from = Math.max(0, Math.min(offset, count));
        long to = limit < 0 ? count : Math.min(count, from + limit);
        FieldType[] types = layer.fields().stream().map(FieldDef::type).toArray(FieldType[]::new);
        ShapeDecoder decoder = new ShapeDecoder(GEOMETRY_FACTORY, type, layer.hasZ(), layer.hasM());
        try {
            return new ShapefileCursor(shp, shx, dbf, dbfHeader, charset, types, decoder, (int) from, (int) to);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, shp + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        // cursors own their channels
    }

    /**
     * How many times more bytes text of {@code charset} may take in UTF-8: for a one-byte code
     * page the longest UTF-8 encoding of its characters 0x80-0xFF (2 for ISO-8859-1, 3 for
     * Windows-1252's euro sign), 2 for multi-byte code pages (a CJK character: 2 bytes there, 3
     * in UTF-8, rounded up), 1 for UTF-8 itself.
     */
    static int utf8Growth(Charset charset) {
        if (charset == null || charset.equals(StandardCharsets.UTF_8)) {
            return 1;
        }
        if (charset.newEncoder().maxBytesPerChar() > 1) {
            return 2;
        }
        int max = 1;
        for (int b = 0x80; b <= 0xFF; b++) {
            String c = new String(new byte[] {(byte) b}, charset);
            max = Math.max(max, c.getBytes(StandardCharsets.UTF_8).length);
        }
        return max;
    }

    /** The bounding box of the .shp header (bytes 36-68), or null if unreadable. */
    @Override
    public double[] extent(int index) {
        try (FileChannel in = FileChannel.open(shp, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && in.read(h, 36 + h.position()) > 0) {
                // read the box
            }
            return new double[] {h.getDouble(0), h.getDouble(8), h.getDouble(16), h.getDouble(24)};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static AssetFailure failure(Path file, String what) {
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": " + what);
    }

    /** One .shx entry: the record's byte offset in the .shp and its content length in bytes. */
    record ShxEntry(long offset, int contentLength) {
        long end() {
            return offset + 8 + contentLength;
        }

        static ShxEntry read(BlockReader shx, int index) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            try {
                shx.read(100 + 8L * index, b);
            } catch (EOFException e) {
                throw new EOFException("index entry " + index + " beyond the end of the .shx");
            }
            return new ShxEntry(Integer.toUnsignedLong(b.getInt(0)) * 2, b.getInt(4) * 2);
        }
    }
}
