package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FieldType;
import dev.cairn.geo.format.LayerDef;

/**
 * Inserts {@link Feature}s into a GeoPackage feature table made by
 * {@link GpkgFeatureSink#schemaFor} (fid, geom, fields in order; an attribute table has no geom
 * and its features no geometry), staging one R-tree entry per
 * non-empty geometry and keeping the layer's XY extent. Used by the sink and by chunks that fill
 * a staging GeoPackage. Not thread-safe.
 */
final class FeatureRows implements AutoCloseable {
    private final Path file;
    private final LayerDef def;
    private final int srsId;
    private final PreparedStatement insert;
    private final PreparedStatement rtree;
    private final boolean asOutput;
    private final boolean[] datetime;
    private final IsoWkbWriter wkb = new IsoWkbWriter();
    private final double[] extent = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /**
     * @param file   the file written, for messages
     * @param insert inserts one row: fid, geom (not in an attribute table), then the fields
     * @param rtree  stages one R-tree entry: key, id, minx, maxx, miny, maxy
     * @param asOutput whether the table is the output (true) or a staging file exported to another
     *               format, which must keep what was read so that chunked output equals unchunked
     *               (false). As output, a single geometry in a layer of the matching multi kind is
     *               written as a one-part multi geometry ({@link dev.cairn.geo.format.GeometryKind#promote})
     *               and date-times with a zone in GeoPackage's form ({@link #gpkgDateTime})
     */
    FeatureRows(Path file, LayerDef def, int srsId, PreparedStatement insert, PreparedStatement rtree, boolean asOutput) {
        this.file = file;
        this.asOutput = asOutput;
        this.datetime = new boolean[def.fields().size()];
        for (int i = 0; i < datetime.length; i++) {
            datetime[i] = asOutput && def.fields().get(i).type() == FieldType.DATETIME;
        }
        this.def = def;
        this.srsId = srsId;
        this.insert = insert;
        this.rtree = rtree;
    }

    /** minX, maxX, minY, maxY of the geometries written (minX > maxX when none). */
    double[] extent() {
        return extent.clone();
    }

    void write(Feature feature) throws AssetFailure {
        Geometry g = asOutput ? def.geometryKind().promote(feature.geometry()) : feature.geometry();
        byte[] blob = g == null ? null : GeometryTranscoder.encode(wkb, g, g instanceof Point, def.hasZ(), def.hasM(), srsId);
        try {
            insert.setLong(1, feature.fid());
            int first = 2; // the parameter of the first field: after fid and, in a feature table, geom
            if (def.hasGeometry()) {
                insert.setBytes(first++, blob);
            }
            Object[] values = feature.values();
            for (int i = 0; i < values.length; i++) {
                setValue(insert, first + i, datetime[i] && values[i] instanceof String t ? gpkgDateTime(t) : values[i]);
            }
            insert.executeUpdate();
            if (g != null && !g.isEmpty()) {
                double[] env = wkb.envelope();
                if (env[0] <= env[1]) {
                    if (rtree != null) { // null: a staging file exported into another format, not indexed
                        rtree.setLong(1, GpkgWriter.zOrder((env[0] + env[1]) / 2, (env[2] + env[3]) / 2));
                        rtree.setLong(2, feature.fid());
                        rtree.setDouble(3, env[0]);
                        rtree.setDouble(4, env[1]);
                        rtree.setDouble(5, env[2]);
                        rtree.setDouble(6, env[3]);
                        rtree.executeUpdate();
                    }
                    extent[0] = Math.min(extent[0], env[0]);
                    extent[1] = Math.max(extent[1], env[1]);
                    extent[2] = Math.min(extent[2], env[2]);
                    extent[3] = Math.max(extent[3], env[3]);
                }
            }
        } catch (SQLException e) {
            if ((e.getErrorCode() & 0xff) == 19) { // SQLITE_CONSTRAINT
                throw AssetFailure.permanent(ErrorClass.FORMAT, file + ": layer '" + def.name() + "', fid "
                        + feature.fid() + " occurs twice in the input (" + Sql.shortMessage(e) + ")", e);
            }
            throw AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot write the GeoPackage ("
                    + Sql.shortMessage(e) + ")", e);
        }
    }

    /**
     * A date-time with a zone or offset in GeoPackage's form, {@code YYYY-MM-DDTHH:MM:SS.SSSZ} in
     * UTC (GDAL warns "Non-conformant content" for {@code 2009-04-27T02:36:23Z}); text without a
     * zone, or not a date-time, unchanged: no zone is invented.
     */
    static String gpkgDateTime(String text) {
        try {
            return GPKG_DATETIME.format(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static final DateTimeFormatter GPKG_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static void setValue(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof Boolean b) {
            ps.setInt(index, b ? 1 : 0);
        } else if (v instanceof LocalDate d) {
            ps.setString(index, d.toString());
        } else if (v instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (v instanceof Double d && !Double.isFinite(d)) {
            ps.setNull(index, Types.NULL); // SQLite stores NaN as NULL anyway; say so
        } else {
            ps.setObject(index, v);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            insert.close();
        } finally {
            if (rtree != null) {
                rtree.close();
            }
        }
    }
}
