package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.GeometryKind;
import dev.cairn.geo.format.LayerDef;

/**
 * A GeoPackage read as a {@link FeatureSource}: every feature layer and attribute table of
 * {@code gpkg_contents}, in table-name order (tiles are ignored). Opened read-only on one
 * connection. An attribute table is a layer of kind {@link GeometryKind#NONE}: no CRS, features
 * with a null geometry.
 *
 * <p><b>Fields</b> are the columns other than the primary key (the fid) and the geometry column,
 * typed from their declared SQL type as GDAL does:
 * <pre>
 * INTEGER, BIGINT, INT8                     → LONG
 * INT, MEDIUMINT, SMALLINT, TINYINT         → INTEGER
 * REAL, DOUBLE, FLOAT                       → DOUBLE
 * TEXT, TEXT(n), VARCHAR(n), anything else  → STRING (width n)
 * BOOLEAN (0/1)                             → BOOLEAN
 * DATE                                      → DATE (LocalDate)
 * DATETIME                                  → DATETIME (the stored text)
 * BLOB                                      → BINARY
 * </pre>
 * SQLite does not enforce declared types: a value that does not fit its column (text in a DATE
 * column, say) is a FORMAT failure naming file, layer, fid and field.
 *
 * <p><b>CRS</b>: the layer's SRS row — its EPSG code if EPSG knows it, else its WKT; srs_id 0/-1
 * or "undefined" gives a null CRS (the caller applies --assume-crs). <b>Order</b>: by fid;
 * {@link #cursor} ranges use {@code ORDER BY fid LIMIT ? OFFSET ?}, so a range costs O(offset);
 * {@link #cursorByFid} ranges seek by fid (the primary key).
 */
final class GpkgFeatureSource implements FidRangeSource {
    private static final Pattern WIDTH = Pattern.compile("^\\s*([A-Za-z0-9_ ]+?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*$");

    private final Path file;
    private final GpkgReader reader;
    private final List<LayerSchema> schemas = new ArrayList<>();
    private final List<LayerDef> layers = new ArrayList<>();

    private GpkgFeatureSource(Path file, GpkgReader reader) {
        this.file = file;
        this.reader = reader;
    }

    static GpkgFeatureSource open(Path file) throws AssetFailure {
        GpkgReader reader = GpkgReader.open(file);
        GpkgFeatureSource source = new GpkgFeatureSource(file, reader);
        try {
            source.describe();
            return source;
        } catch (AssetFailure | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private void describe() throws AssetFailure {
        reader.listContents(schemas, new ArrayList<>());
        for (LayerSchema s : schemas) {
            List<FieldDef> fields = new ArrayList<>();
            for (LayerSchema.Column c : s.columns()) {
                if (!c.name().equals(s.primaryKey()) && !c.name().equals(s.geometryColumn())) {
                    fields.add(field(c.name(), c.declaredType()));
                }
            }
            long count;
            try {
                count = reader.count(s);
            } catch (SQLException e) {
                throw GpkgReader.notGpkg(file, Sql.shortMessage(e), e);
            }
            if (!s.hasGeometry()) {
                layers.add(LayerDef.attributes(s.table(), fields, count));
                continue;
            }
            String[] crsCode = new String[1];
            CoordinateReferenceSystem crs = crs(s, crsCode);
            // z/m = 2 is "optional" in gpkg_geometry_columns: read, as GDAL does, as 2D (declaring
            // Z for it made Shapefiles PolygonZ with invented zeros and FlatGeobufs GDAL cannot
            // read, their header promising Z values the features do not have)
            layers.add(new LayerDef(s.table(), kind(s.geometryTypeName()), s.z() == 1, s.m() == 1, crs, crsCode[0],
                    fields, count));
        }
    }

    /** Maps a declared SQL type to a field, as GDAL's GeoPackage driver does. */
    static FieldDef field(String name, String declaredType) {
        Matcher m = WIDTH.matcher(declaredType == null ? "" : declaredType);
        String base = m.matches() ? m.group(1).toUpperCase(Locale.ROOT) : "";
        int width = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
        FieldType type = switch (base) {
            case "INTEGER", "BIGINT", "INT8" -> FieldType.LONG;
            case "INT", "MEDIUMINT", "SMALLINT", "TINYINT" -> FieldType.INTEGER;
            case "REAL", "DOUBLE", "FLOAT" -> FieldType.DOUBLE;
            case "BOOLEAN" -> FieldType.BOOLEAN;
            case "DATE" -> FieldType.DATE;
            case "DATETIME" -> FieldType.DATETIME;
            case "BLOB" -> FieldType.BINARY;
            default -> FieldType.STRING;
        };
        return new FieldDef(name, type, type == FieldType.STRING ? width : 0, 0);
    }

    static GeometryKind kind(String geometryTypeName) {
        try {
            return GeometryKind.valueOf(geometryTypeName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            return GeometryKind.GEOMETRY; // curve types and the like: decoded per feature, or refused there
        }
    }

    private CoordinateReferenceSystem crs(LayerSchema layer, String[] code) throws AssetFailure {
        int srsId = layer.srsId();
        GpkgReader.SrsRow row = srsId == 0 || srsId == -1 ? null : reader.srs(srsId);
        if (row == null) {
            return null;
        }
        String definition = row.definition() == null ? "" : row.definition().trim();
        CrsException failure = null;
        if ("EPSG".equalsIgnoreCase(row.organization()) && row.code() > 0) {
            try {
                CoordinateReferenceSystem crs = CrsResolver.forCode("EPSG:" + row.code());
                code[0] = "EPSG:" + row.code();
                return crs;
            } catch (CrsException e) {
                failure = e;
            }
        }
        if (!definition.isEmpty() && !definition.equalsIgnoreCase("undefined")) {
            try {
                return CrsResolver.fromWkt(definition);
            } catch (CrsException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": layer '" + layer.table()
                    + "' has an unusable CRS (srs_id " + srsId + "): " + LayerCopier.oneLine(failure.getMessage()),
                    failure);
        }
        return null;
    }

    @Override
    public List<LayerDef> layers() {
        return List.copyOf(layers);
    }

    @Override
    public FeatureCursor cursor(int index, long offset, long limit) throws AssetFailure {
        LayerSchema layer = schemas.get(index);
        String sql = select(index) + " ORDER BY " + Sql.quote(layer.primaryKey()) + " LIMIT ? OFFSET ?";
        try {
            PreparedStatement ps = reader.connection().prepareStatement(sql);
            ps.setLong(1, limit < 0 ? -1 : limit);
            ps.setLong(2, Math.max(0, offset));
            ps.closeOnCompletion();
            return new Cursor(layers.get(index), ps.executeQuery());
        } catch (SQLException e) {
            throw unreadable(layer.table(), e);
        }
    }

    @Override
    public FeatureCursor cursorByFid(int index, Long from, Long to) throws AssetFailure {
        LayerSchema layer = schemas.get(index);
        String sql = select(index) + fidRange(layer, from, to) + " ORDER BY " + Sql.quote(layer.primaryKey());
        try {
            PreparedStatement ps = reader.connection().prepareStatement(sql);
            ps.closeOnCompletion();
            return new Cursor(layers.get(index), ps.executeQuery());
        } catch (SQLException e) {
            throw unreadable(layer.table(), e);
        }
    }

    @Override
    public long countByFid(int index, Long from, Long to) throws AssetFailure {
        LayerSchema layer = schemas.get(index);
        String sql = "SELECT count(*) FROM " + Sql.quote(layer.table()) + fidRange(layer, from, to);
        try (java.sql.Statement s = reader.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw unreadable(layer.table(), e);
        }
    }

    /** {@code SELECT fid, geometry (or NULL), fields... FROM table} of layer {@code index}. */
    private String select(int index) {
        LayerSchema layer = schemas.get(index);
        StringBuilder sql = new StringBuilder("SELECT ").append(Sql.quote(layer.primaryKey())).append(", ")
                .append(layer.hasGeometry() ? Sql.quote(layer.geometryColumn()) : "NULL");
        for (FieldDef f : layers.get(index).fields()) {
            sql.append(", ").append(Sql.quote(f.name()));
        }
        return sql.append(" FROM ").append(Sql.quote(layer.table())).toString();
    }

    private static String fidRange(LayerSchema layer, Long from, Long to) {
        String pk = Sql.quote(layer.primaryKey());
        return " WHERE 1" + (from == null ? "" : " AND " + pk + " >= " + from) + (to == null ? "" : " AND " + pk + " < " + to);
    }

    private AssetFailure unreadable(String table, SQLException e) {
        return AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + table + "' is unreadable ("
                + Sql.shortMessage(e) + "); the file may be truncated or corrupt", e);
    }

    @Override
    public double[] extent(int index) {
        return index >= 0 && index < schemas.size() ? reader.extent(schemas.get(index).table()) : null;
    }

    @Override
    public void close() {
        reader.close();
    }

    /**
     * The date of a DATE value (its first 10 characters, {@code YYYY-MM-DD}). The common form
     * is read digit by digit: {@code LocalDate.parse} (a {@code DateTimeFormatter} and a map of
     * fields per value) was 3 % of the CPU samples of a conversion of 1M polygons with a date
     * column (JFR), on the thread that reads the rows. Anything else, an impossible date
     * included, goes through {@code LocalDate.parse}, which says what is wrong.
     */
    static LocalDate date(String t) {
        String s = t.substring(0, Math.min(10, t.length()));
        if (s.length() == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28) {
                return LocalDate.of(year, month, day); // valid in every month of every year
            }
        }
        return LocalDate.parse(s);
    }

    /** The number written in {@code s[from, to)} in ASCII digits, or -1 when one is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = 10 * n + c - '0';
        }
        return n;
    }

    /** Streams rows (fid, geometry, fields...) and decodes them. */
    private final class Cursor implements FeatureCursor {
        private final LayerDef layer;
        private final ResultSet rs;
        private final GeometryFactory factory = new GeometryFactory();
        private final WKBReader wkb = new WKBReader(factory);

        Cursor(LayerDef layer, ResultSet rs) {
            this.layer = layer;
            this.rs = rs;
        }

        @Override
        public Feature next() throws AssetFailure {
            try {
                if (!rs.next()) {
                    return null;
                }
                long fid = rs.getLong(1);
                Geometry g = geometry(rs.getBytes(2), fid);
                List<FieldDef> fields = layer.fields();
                Object[] values = new Object[fields.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(fields.get(i), rs.getObject(i + 3), fid);
                }
                return new Feature(fid, g, values);
            } catch (SQLException e) {
                throw unreadable(layer.name(), e);
            }
        }

        private Geometry geometry(byte[] blob, long fid) throws AssetFailure {
            if (blob == null) {
                return null;
            }
            try {
                int start = GeometryTranscoder.wkbStart(blob);
                boolean empty = (blob[3] & 0x10) != 0;
                if (blob.length == start && empty) {
                    return factory.createGeometryCollection(); // empty flag without WKB: tolerated
                }
                Geometry g = XyPolygonWkb.read(factory, blob, start);
                if (g == null) {
                    g = wkb.read(Arrays.copyOfRange(blob, start, blob.length));
                }
                return empty && !g.isEmpty() ? factory.createEmpty(g.getDimension()) : g;
            } catch (MalformedGeometryException | ParseException | RuntimeException e) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + layer.name() + "', fid " + fid
                        + ": unreadable geometry (" + LayerCopier.oneLine(e.getMessage()) + ")", e);
            }
        }

        private Object value(FieldDef field, Object raw, long fid) throws AssetFailure {
            if (raw == null) {
                return null;
            }
            try {
                return switch (field.type()) {
                    case INTEGER, LONG -> raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
                    case DOUBLE -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
                    case BOOLEAN -> raw instanceof Number n ? n.longValue() != 0 : parseBoolean(raw.toString());
                    case DATE -> date(raw.toString().trim());
                    case DATETIME, STRING -> raw instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                            : raw.toString();
                    case BINARY -> raw instanceof byte[] b ? b : raw.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                };
            } catch (NumberFormatException | DateTimeParseException e) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + layer.name() + "', fid " + fid
                        + ", field '" + field.name() + "': value '" + LayerCopier.oneLine(raw.toString())
                        + "' is not a valid " + field.type().name().toLowerCase(Locale.ROOT), e);
            }
        }

        private static boolean parseBoolean(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("1")) {
                return true;
            }
            if (t.equals("false") || t.equals("0")) {
                return false;
            }
            throw new NumberFormatException(s);
        }

        @Override
        public void close() {
            try {
                rs.close();
            } catch (SQLException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
