package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.opengis.referencing.operation.TransformException;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;

/**
 * Streams one feature table from the input connection into the output's prepared insert,
 * transcoding the geometry column and filling the R-tree as it goes. Memory is one row.
 *
 * <p>Failures are classified by the side that failed: a read error is a permanent
 * {@link ErrorClass#FORMAT} failure of the input, a write error a transient {@link ErrorClass#IO}
 * failure of the output, an untransformable coordinate a permanent {@link ErrorClass#GEOMETRY}
 * failure naming the feature.
 */
final class LayerCopier {
    /** Features between two {@link ProcessContext#checkStop()} / progress calls. */
    static final int STOP_CHECK_INTERVAL = 5_000;

    private final Path input;
    private final Path output;
    private final ProcessContext ctx;

    LayerCopier(Path input, Path output, ProcessContext ctx) {
        this.input = input;
        this.output = output;
        this.ctx = ctx;
    }

    /**
     * Copies every row of {@code layer}; returns the number of features written and leaves the
     * layer's XY extent in {@code extent} (minX, maxX, minY, maxY; untouched if no geometry).
     */
    long copy(GpkgReader reader, GpkgWriter writer, LayerSchema layer, GeometryTranscoder transcoder,
            double[] extent, String targetCode) throws AssetFailure {
        try (PreparedStatement insert = writer.createLayer(layer);
             PreparedStatement rtree = writer.rtreeStage()) {
            try (ResultSet rs = reader.rows(layer)) {
                return copyRows(rs, insert, rtree, layer, transcoder, extent, targetCode);
            } catch (SQLException e) {
                throw readFailure(layer, e); // opening the query or closing the result set
            }
        } catch (SQLException e) {
            throw writeFailure(e); // creating the table or preparing the statements
        }
    }

    /**
     * Copies the rows of {@code rs} (columns in schema order) through {@code insert}, staging one
     * R-tree entry per non-empty geometry through {@code rtree} (key, id, minx, maxx, miny, maxy).
     * Returns the number of features written; the XY extent is merged into {@code extent}.
     */
    long copyRows(ResultSet rs, PreparedStatement insert, PreparedStatement rtree, LayerSchema layer,
            GeometryTranscoder transcoder, double[] extent, String targetCode) throws AssetFailure {
        int columns = layer.columns().size();
        int geomIndex = layer.geometryIndex();
        int pkIndex = layer.primaryKeyIndex();
        Object[] values = new Object[columns];
        long written = 0;
        int sinceCheck = 0;
        while (next(rs, layer)) {
            byte[] blob = read(rs, values, geomIndex, layer);
            long fid = ((Number) values[pkIndex]).longValue();
            byte[] out = null;
            boolean indexed = false;
            if (blob != null) {
                out = transcode(transcoder, blob, layer, fid, targetCode);
                indexed = !transcoder.lastEmpty();
            }
            try {
                for (int i = 0; i < columns; i++) {
                    if (i == geomIndex) {
                        insert.setBytes(i + 1, out);
                    } else {
                        insert.setObject(i + 1, values[i]);
                    }
                }
                insert.executeUpdate();
                if (indexed) {
                    double[] env = transcoder.lastEnvelope();
                    rtree.setLong(1, GpkgWriter.zOrder((env[0] + env[1]) / 2, (env[2] + env[3]) / 2));
                    rtree.setLong(2, fid);
                    rtree.setDouble(3, env[0]);
                    rtree.setDouble(4, env[1]);
                    rtree.setDouble(5, env[2]);
                    rtree.setDouble(6, env[3]);
                    rtree.executeUpdate();
                    extent[0] = Math.min(extent[0], env[0]);
                    extent[1] = Math.max(extent[1], env[1]);
                    extent[2] = Math.min(extent[2], env[2]);
                    extent[3] = Math.max(extent[3], env[3]);
                }
            } catch (SQLException e) {
                throw isConstraint(e) ? duplicate(layer, fid, e) : writeFailure(e);
            }
            written++;
            if (++sinceCheck == STOP_CHECK_INTERVAL) {
                ctx.progress(sinceCheck);
                sinceCheck = 0;
                ctx.checkStop();
            }
        }
        if (sinceCheck > 0) {
            ctx.progress(sinceCheck);
        }
        return written;
    }

    /** SQLITE_CONSTRAINT (primary code 19, any extended code). */
    private static boolean isConstraint(SQLException e) {
        return (e.getErrorCode() & 0xff) == 19;
    }

    /**
     * A row whose fid is already in the output: the input's fids are unique, so only overlapping
     * chunk ranges (a bug) can cause it. Never skipped silently: that would hide lost or doubled rows.
     */
    private AssetFailure duplicate(LayerSchema layer, long fid, SQLException e) {
        return AssetFailure.permanent(ErrorClass.INTERNAL, output + ": layer '" + layer.table() + "', fid " + fid
                + " is already in the output (" + Sql.shortMessage(e) + "); chunk ranges overlap, which is a bug"
                + " in cairn: please report it. Run with --fresh after removing the output to start over.", e);
    }

    private boolean next(ResultSet rs, LayerSchema layer) throws AssetFailure {
        try {
            return rs.next();
        } catch (SQLException e) {
            throw readFailure(layer, e);
        }
    }

    private byte[] read(ResultSet rs, Object[] values, int geomIndex, LayerSchema layer) throws AssetFailure {
        try {
            byte[] blob = null;
            for (int i = 0; i < values.length; i++) {
                if (i == geomIndex) {
                    blob = rs.getBytes(i + 1);
                } else {
                    values[i] = rs.getObject(i + 1);
                }
            }
            return blob;
        } catch (SQLException e) {
            throw readFailure(layer, e);
        }
    }

    private byte[] transcode(GeometryTranscoder transcoder, byte[] blob, LayerSchema layer, long fid,
            String targetCode) throws AssetFailure {
        try {
            return transcoder.transcode(blob);
        } catch (MalformedGeometryException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + layer.table() + "', fid " + fid
                    + ": unreadable geometry (" + e.getMessage() + ")", e);
        } catch (TransformException | RuntimeException e) {
            throw AssetFailure.permanent(ErrorClass.GEOMETRY, input + ": layer '" + layer.table() + "', fid " + fid
                    + ": cannot transform to " + targetCode + " (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    private AssetFailure readFailure(LayerSchema layer, SQLException e) {
        return AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + layer.table() + "' is unreadable ("
                + Sql.shortMessage(e) + "); the file may be truncated or corrupt", e);
    }

    private AssetFailure writeFailure(SQLException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot write the GeoPackage ("
                + Sql.shortMessage(e) + ")", e);
    }

    static String oneLine(String s) {
        return s == null ? "no detail" : s.replaceAll("\\s+", " ").trim();
    }
}
