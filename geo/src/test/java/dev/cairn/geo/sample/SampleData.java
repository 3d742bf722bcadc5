package dev.cairn.geo.sample;

import dev.cairn.geo.format.GeometryKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mil.nga.geopackage.BoundingBox;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.db.GeoPackageDataType;
import mil.nga.geopackage.features.columns.GeometryColumns;
import mil.nga.geopackage.features.user.FeatureColumn;
import mil.nga.geopackage.features.user.FeatureTableMetadata;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.geopackage.srs.SpatialReferenceSystem;
import mil.nga.geopackage.srs.SpatialReferenceSystemDao;
import mil.nga.sf.Geometry;
import mil.nga.sf.GeometryEnvelope;
import mil.nga.sf.GeometryType;
import mil.nga.sf.util.GeometryEnvelopeBuilder;

/**
 * Deterministic generator of GeoPackages for tests, demos and benchmarks: the same layers and
 * seed always give the same features, attribute for attribute ({@code gpkg_contents.last_change}
 * is a fixed date, so with the same library versions the files are identical byte for byte).
 *
 * <p>It writes with the {@code mil.nga} GeoPackage library (tables, SRS rows, geometry encoding)
 * and plain JDBC inserts on the library's own connection, one transaction per file, and shares no
 * code with cairn's own GeoPackage writer, so that tests can use it as an independent oracle.
 *
 * <p>Every layer has the columns of {@link #COLUMNS}, one per common GeoPackage type: INTEGER
 * (values beyond 32 bits), REAL, TEXT (non-ASCII: "Zürich", "Ålesund", "東京", an emoji, quotes,
 * a newline), BOOLEAN, DATE, DATETIME, each NULL in about 6 % of the rows. Feature ids start at 1
 * with occasional gaps. Layers of 20 or more features have a few NULL and empty geometries
 * (the 7th and every 997th feature NULL, the 13th and every 1009th empty). Geometry blobs are
 * big-endian (the library's default; GDAL writes little-endian), empty ones little-endian.
 *
 * <p>Run {@code SampleData OUTDIR} to write the small sample set shipped in {@code sample-data/}.
 */
public final class SampleData {
    /** Where Derby (under Apache SIS's EPSG database) writes its log: nowhere. */
    public static final OutputStream DERBY_LOG = OutputStream.nullOutputStream();

    /** Attribute columns of every generated layer, in table order. */
    public static final List<String> COLUMNS = List.of("name", "population", "area", "active", "founded", "updated", "note");

    /**
     * The {@code srs_id} of layers without a CRS ({@code epsg == 0}): GeoPackage's "undefined
     * Cartesian SRS". GDAL reports such a layer as having no CRS at all.
     */
    public static final int UNDEFINED_SRS_ID = -1;

    private static final String[] NAMES = {
        "Zürich", "Ålesund", "東京", "São Paulo", "Kraków", "Reykjavík", "Αθήνα", "Москва", "Genève",
        "Biel/Bienne", "O'Brien's \"Pub\"", "🏔 Matterhorn", "line one\nline two", "Llanfairpwllgwyngyll", "",
    };
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final long DATETIME_FROM = Instant.parse("1990-01-01T00:00:00Z").toEpochMilli();
    private static final long DATETIME_TO = Instant.parse("2025-12-31T23:59:59Z").toEpochMilli();
    private static final int BATCH = 2_000;
    private static final String LAST_CHANGE = "2024-06-01T00:00:00.000Z";

    private SampleData() {
    }

    /**
     * Writes {@code file} (replacing it) with the given layers, generated from {@code seed}.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void writeGpkg(Path file, List<LayerSpec> layers, long seed) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-journal"));
            GeoPackageManager.create(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + file, e);
        }
        try (GeoPackage gp = GeoPackageManager.open(file.toFile())) {
            // The library stamps GeoPackage 1.4, which GDAL 3.6 (Debian 12) warns about on every
            // open; nothing here needs more than 1.2.
            try (var st = gp.getConnection().getConnection().createStatement()) {
                st.execute("PRAGMA user_version = 10200");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("Cannot set the GeoPackage version of " + file, e);
            }
            for (LayerSpec layer : layers) {
                ensureSrs(gp, layer.epsg());
            }
            for (int i = 0; i < layers.size(); i++) {
                LayerSpec layer = layers.get(i);
                createTable(gp, layer);
                fill(gp, layer, new SplittableRandom(seed * 1_000_003L + i * 7919L + layer.name().hashCode()));
            }
        } catch (SQLException | IOException e) {
            throw new UncheckedIOException(new IOException("Cannot write " + file + ": " + e.getMessage(), e));
        }
    }

    /** Writes the shipped sample set into {@code args[0]} (default {@code sample-data}). */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "sample-data");
        Files.createDirectories(out);
        long seed = 20_240_601L;
        writeGpkg(out.resolve("zurich_places.gpkg"), List.of(
                new LayerSpec("places", GeometryKind.POINT, 2056, 400)), seed);
        writeGpkg(out.resolve("bern_roads.gpkg"), List.of(
                new LayerSpec("roads", GeometryKind.LINESTRING, 2056, 250)), seed + 1);
        writeGpkg(out.resolve("bavaria_parcels.gpkg"), List.of(
                new LayerSpec("parcels", GeometryKind.POLYGON, 32632, 200)), seed + 2);
        writeGpkg(out.resolve("alps.gpkg"), List.of(
                new LayerSpec("peaks", GeometryKind.POINT, 2056, 120, true),
                new LayerSpec("trails", GeometryKind.MULTILINESTRING, 32632, 80),
                new LayerSpec("lakes", GeometryKind.MULTIPOLYGON, 32632, 60)), seed + 3);
        writeGpkg(out.resolve("uk").resolve("heritage_sites.gpkg"), List.of(
                new LayerSpec("sites", GeometryKind.POINT, 27700, 150),
                new LayerSpec("areas", GeometryKind.POLYGON, 27700, 60)), seed + 4);
        writeGpkg(out.resolve("uk").resolve("mixed_survey.gpkg"), List.of(
                new LayerSpec("survey", GeometryKind.GEOMETRY, 4326, 100)), seed + 5);
        System.out.println("Wrote sample GeoPackages to " + out);
    }

    private static void ensureSrs(GeoPackage gp, int epsg) throws SQLException {
        if (epsg == 0) {
            return; // the undefined SRS rows (-1 and 0) exist in every GeoPackage
        }
        SpatialReferenceSystemDao dao = gp.getSpatialReferenceSystemDao();
        if (dao.queryForOrganizationCoordsysId("EPSG", epsg) != null || dao.queryForId((long) epsg) != null) {
            return;
        }
        if (epsg == 4326 || epsg == 3857) {
            dao.getOrCreateFromEpsg(epsg); // the library's own definitions
            return;
        }
        SpatialReferenceSystem srs = new SpatialReferenceSystem();
        String name = SrsDefinitions.name(epsg);
        srs.setSrsName(name);
        srs.setSrsId(epsg);
        srs.setOrganization("EPSG");
        srs.setOrganizationCoordsysId(epsg);
        srs.setDefinition(SrsDefinitions.wkt1(epsg));
        srs.setDescription(name);
        dao.create(srs);
    }

    private static long srsId(GeoPackage gp, int epsg) throws SQLException {
        if (epsg == 0) {
            return UNDEFINED_SRS_ID;
        }
        SpatialReferenceSystem srs = gp.getSpatialReferenceSystemDao().queryForOrganizationCoordsysId("EPSG", epsg);
        return srs != null ? srs.getSrsId() : epsg;
    }

    private static void createTable(GeoPackage gp, LayerSpec layer) throws SQLException {
        GeometryColumns gc = new GeometryColumns();
        gc.setTableName(layer.name());
        gc.setColumnName("geom");
        gc.setGeometryType(declared(layer.kind()));
        gc.setSrsId(srsId(gp, layer.epsg()));
        gc.setZ((byte) (layer.withZ() ? 1 : 0));
        gc.setM((byte) 0);
        List<FeatureColumn> columns = new ArrayList<>();
        columns.add(FeatureColumn.createColumn("name", GeoPackageDataType.TEXT));
        columns.add(FeatureColumn.createColumn("population", GeoPackageDataType.INTEGER));
        columns.add(FeatureColumn.createColumn("area", GeoPackageDataType.REAL));
        columns.add(FeatureColumn.createColumn("active", GeoPackageDataType.BOOLEAN));
        columns.add(FeatureColumn.createColumn("founded", GeoPackageDataType.DATE));
        columns.add(FeatureColumn.createColumn("updated", GeoPackageDataType.DATETIME));
        columns.add(FeatureColumn.createColumn("note", GeoPackageDataType.TEXT));
        double[] a = SrsDefinitions.area(layer.epsg());
        gp.createFeatureTable(new FeatureTableMetadata(gc, "fid", columns, new BoundingBox(a[0], a[1], a[2], a[3])));
    }

    /** The library's name of {@code kind}, as {@code gpkg_geometry_columns.geometry_type_name} declares it. */
    private static GeometryType declared(GeometryKind kind) {
        return switch (kind) {
            case POINT -> GeometryType.POINT;
            case LINESTRING -> GeometryType.LINESTRING;
            case POLYGON -> GeometryType.POLYGON;
            case MULTIPOINT -> GeometryType.MULTIPOINT;
            case MULTILINESTRING -> GeometryType.MULTILINESTRING;
            case MULTIPOLYGON -> GeometryType.MULTIPOLYGON;
            case GEOMETRYCOLLECTION -> GeometryType.GEOMETRYCOLLECTION;
            case GEOMETRY -> GeometryType.GEOMETRY;
            case NONE -> throw new IllegalArgumentException("attribute tables are not generated here: tests have GDAL write them");
        };
    }

    private static void fill(GeoPackage gp, LayerSpec layer, SplittableRandom random) throws SQLException, IOException {
        int srsId = (int) srsId(gp, layer.epsg());
        SampleGeometries geometries = new SampleGeometries(random, SrsDefinitions.area(layer.epsg()), layer.withZ());
        String sql = "INSERT INTO \"" + layer.name().replace("\"", "\"\"")
                + "\" (fid, geom, name, population, area, active, founded, updated, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        GeometryEnvelope extent = null;
        Connection c = gp.getConnection().getConnection();
        gp.beginTransaction();
        boolean ok = false;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            long fid = 0;
            for (int i = 1; i <= layer.features(); i++) {
                fid += random.nextInt(50) == 0 ? 2 + random.nextInt(1000) : 1;
                ps.setLong(1, fid);
                Geometry g = geometries.next(layer.kind(), i);
                boolean big = layer.features() >= 20;
                if (big && (i == 7 || i % 997 == 0)) {
                    ps.setNull(2, Types.BLOB);
                } else if (big && (i == 13 || i % 1009 == 0)) {
                    ps.setBytes(2, geometries.emptyBlob(layer.kind(), srsId));
                } else {
                    GeometryEnvelope env = GeometryEnvelopeBuilder.buildEnvelope(g);
                    GeoPackageGeometryData data = GeoPackageGeometryData.create(srsId, g,
                            layer.kind() == GeometryKind.POINT ? null : env);
                    ps.setBytes(2, data.toBytes());
                    extent = extent == null ? env.copy() : extent.union(env);
                }
                attributes(ps, random, i);
                ps.addBatch();
                if (i % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            // A fixed last_change and the real extent: the same seed then gives the same bytes.
            try (PreparedStatement up = c.prepareStatement("UPDATE gpkg_contents SET last_change = ?,"
                    + " min_x = coalesce(?, min_x), min_y = coalesce(?, min_y), max_x = coalesce(?, max_x),"
                    + " max_y = coalesce(?, max_y) WHERE table_name = ?")) {
                up.setString(1, LAST_CHANGE);
                for (int k = 0; k < 4; k++) {
                    if (extent == null) {
                        up.setNull(2 + k, Types.DOUBLE);
                    } else {
                        up.setDouble(2 + k, new double[] {extent.getMinX(), extent.getMinY(), extent.getMaxX(), extent.getMaxY()}[k]);
                    }
                }
                up.setString(6, layer.name());
                up.executeUpdate();
            }
            ok = true;
        } finally {
            gp.endTransaction(ok);
        }
    }

    private static void attributes(PreparedStatement ps, SplittableRandom r, int i) throws SQLException {
        if (isNull(r)) {
            ps.setNull(3, Types.VARCHAR);
        } else {
            String base = NAMES[r.nextInt(NAMES.length)];
            ps.setString(3, r.nextBoolean() ? base : base + " " + i);
        }
        if (isNull(r)) {
            ps.setNull(4, Types.BIGINT);
        } else {
            ps.setLong(4, r.nextInt(10) == 0 ? -r.nextLong(1_000_000) : r.nextLong(20_000_000_000L));
        }
        if (isNull(r)) {
            ps.setNull(5, Types.DOUBLE);
        } else {
            ps.setDouble(5, r.nextInt(20) == 0 ? 0.1 + 0.2 : r.nextDouble() * 10_000 - 100);
        }
        if (isNull(r)) {
            ps.setNull(6, Types.INTEGER);
        } else {
            ps.setInt(6, r.nextBoolean() ? 1 : 0);
        }
        if (isNull(r)) {
            ps.setNull(7, Types.VARCHAR);
        } else {
            ps.setString(7, LocalDate.of(1200, 1, 1).plusDays(r.nextInt(300_000)).toString());
        }
        if (isNull(r)) {
            ps.setNull(8, Types.VARCHAR);
        } else {
            ps.setString(8, DATETIME.format(Instant.ofEpochMilli(r.nextLong(DATETIME_FROM, DATETIME_TO))));
        }
        if (r.nextInt(4) == 0) {
            ps.setString(9, "note " + i + (r.nextBoolean() ? " – vérifié" : ""));
        } else {
            ps.setNull(9, Types.VARCHAR);
        }
    }

    private static boolean isNull(SplittableRandom r) {
        return r.nextInt(16) == 0;
    }
}
