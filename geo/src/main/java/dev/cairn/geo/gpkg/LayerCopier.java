package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.util.function.Supplier;

import org.opengis.referencing.operation.TransformException;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.engine.pipeline.OrderedPipeline;
import dev.cairn.geo.pipeline.TransformedBatch;

/**
 * Streams one feature table from the input connection into the output's prepared insert,
 * transcoding the geometry column on the transform pool and staging the R-tree entries as
 * it goes. Memory is a few batches of rows. An attribute table (no geometry column, no
 * transcoder) is copied the same way, every column as read, without R-tree entries.
 *
 * <p>Failures are classified by the side that failed: a read error is a permanent
 * {@link ErrorClass#FORMAT} failure of the input, a write error a transient {@link ErrorClass#IO}
 * failure of the output, an untransformable coordinate a permanent {@link ErrorClass#GEOMETRY}
 * failure naming the feature.
 */
final class LayerCopier {
    /** Features between two {@link ProcessContext#checkStop()} / progress calls. */
    static final int STOP_CHECK_INTERVAL = dev.cairn.geo.pipeline.FeatureConverter.STOP_CHECK_INTERVAL;

    private final Path input;
    private final Path output;
    private final ProcessContext ctx;
    private final GeometryPolicy.OnInvalid policy;
    private final FeatureIssues issues = new FeatureIssues();

    LayerCopier(Path input, Path output, ProcessContext ctx, GeometryPolicy.OnInvalid policy) {
        this.input = input;
        this.output = output;
        this.ctx = ctx;
        this.policy = policy;
    }

    /**
     * Copies every row of {@code layer}; returns the number of features written and leaves the
     * layer's XY extent in {@code extent} (minX, maxX, minY, maxY; untouched if no geometry).
     */
    long copy(GpkgReader reader, GpkgWriter writer, LayerSchema layer, Supplier<GeometryTranscoder> transcoders,
            double[] extent, String targetCode) throws AssetFailure {
        try (PreparedStatement insert = writer.createLayer(layer);
             PreparedStatement rtree = writer.rtreeStage()) {
            try (ResultSet rs = reader.rows(layer)) {
                return copyRows(rs, insert, rtree, layer, transcoders, extent, targetCode);
            } catch (SQLException e) {
                throw readFailure(layer, e); // opening the query or closing the result set
            }
        } catch (SQLException e) {
            throw writeFailure(e); // creating the table or preparing the statements
        }
    }

    /**
     * Copies the rows of {@code rs} (columns in schema order) through {@code insert}, staging one
     * R-tree entry per non-empty geometry through {@code rtree} (key, id, minx, maxx, miny, maxy;
     * null to stage none).
     * Returns the number of features written; the XY extent is merged into {@code extent}.
     *
     * <p>An {@link OrderedPipeline}: this thread reads batches of {@value #BATCH} rows and hands
     * each to the transform pool (geometry decoded, reprojected, encoded, with a transcoder from
     * {@code transcoders} per batch), then writes the batches back in input order as they
     * complete; a bounded number of batches are out at once. Rows are
     * written in input order and a geometry failure surfaces at its row, as in a serial copy.
     */
    long copyRows(ResultSet rs, PreparedStatement insert, PreparedStatement rtree, LayerSchema layer,
            Supplier<GeometryTranscoder> transcoders, double[] extent, String targetCode) throws AssetFailure {
        long[] written = {0};
        TransformedBatch.Progress progress = new TransformedBatch.Progress(ctx);
        OrderedPipeline.run(() -> readBatch(rs, layer), batch -> transcode(batch, transcoders.get(), layer, targetCode),
                batch -> written[0] += batch.drain(r -> write(batch, r, insert, rtree, layer, extent), issues, progress),
                input + ": layer '" + layer.table() + "'");
        progress.finish();
        return written[0];
    }

    /** Rows per batch handed to the transform pool. */
    static final int BATCH = 512;

    /**
     * Rows read but not yet written: attribute values as read, the geometry column replaced by
     * the output blob once transcoded, and each row's R-tree box (or none for an empty geometry).
     * A batch is filled by the copying thread, transcoded by one pool thread, then written by the
     * copying thread: handed over through the Future, never shared at once.
     */
    private static final class Batch extends TransformedBatch {
        final Object[][] rows;
        final long[] fids = new long[BATCH];
        final byte[][] blobs = new byte[BATCH][];
        final double[] boxes = new double[4 * BATCH];
        final boolean[] indexed = new boolean[BATCH];

        Batch(int columns) {
            super(BATCH);
            rows = new Object[BATCH][columns];
        }
    }

    private Batch readBatch(ResultSet rs, LayerSchema layer) throws AssetFailure {
        int geomIndex = layer.geometryIndex();
        int pkIndex = layer.primaryKeyIndex();
        Batch batch = new Batch(layer.columns().size());
        while (batch.size < BATCH && next(rs, layer)) {
            Object[] values = batch.rows[batch.size];
            batch.blobs[batch.size] = read(rs, values, geomIndex, layer);
            batch.fids[batch.size] = ((Number) values[pkIndex]).longValue();
            batch.size++;
        }
        return batch.size == 0 ? null : batch;
    }

    /** Runs on a pool thread: transcodes every geometry of the batch, stopping at the first failure. */
    private Batch transcode(Batch batch, GeometryTranscoder transcoder, LayerSchema layer, String targetCode) {
        for (int r = 0; r < batch.size; r++) {
            byte[] blob = batch.blobs[r];
            if (blob == null) {
                continue;
            }
            try {
                batch.blobs[r] = transcode(transcoder, blob, layer, batch.fids[r], targetCode);
            } catch (GeometryPolicy.InvalidGeometryException invalid) {
                String where = locator(layer, batch.fids[r]);
                if (policy == GeometryPolicy.OnInvalid.SKIP) {
                    batch.skip(r, GeometryPolicy.invalid(where, invalid));
                    continue;
                }
                batch.fail(r, GeometryPolicy.failure(where, invalid));
                return batch;
            } catch (Untransformable u) {
                if (policy == GeometryPolicy.OnInvalid.SKIP) {
                    batch.skip(r, u.getMessage());
                    continue;
                }
                batch.fail(r, GeometryPolicy.untransformableFailure(u.getMessage(), u.getCause()));
                return batch;
            } catch (AssetFailure failure) {
                batch.fail(r, failure);
                return batch;
            }
            if (transcoder.lastRepair() != null && policy == GeometryPolicy.OnInvalid.WARN) {
                batch.kept(r, GeometryPolicy.keptMessage(locator(layer, batch.fids[r]), transcoder.lastRepair()));
            } else if (transcoder.lastRepair() != null) {
                batch.repaired(r, GeometryPolicy.repairedMessage(locator(layer, batch.fids[r]), transcoder.lastRepair()));
            }
            if (!transcoder.lastEmpty()) {
                batch.indexed[r] = true;
                System.arraycopy(transcoder.lastEnvelope(), 0, batch.boxes, 4 * r, 4);
            }
        }
        return batch;
    }

    private void write(Batch batch, int r, PreparedStatement insert, PreparedStatement rtree, LayerSchema layer,
            double[] extent) throws AssetFailure {
        Object[] values = batch.rows[r];
        int geomIndex = layer.geometryIndex();
        long fid = batch.fids[r];
        try {
            for (int i = 0; i < values.length; i++) {
                if (i == geomIndex) {
                    insert.setBytes(i + 1, batch.blobs[r]);
                } else {
                    insert.setObject(i + 1, values[i]);
                }
            }
            insert.executeUpdate();
            if (batch.indexed[r]) {
                double[] env = batch.boxes;
                int o = 4 * r;
                if (rtree != null) { // null: a staging file exported into another format, not indexed
                    rtree.setLong(1, GpkgWriter.zOrder((env[o] + env[o + 1]) / 2, (env[o + 2] + env[o + 3]) / 2));
                    rtree.setLong(2, fid);
                    rtree.setDouble(3, env[o]);
                    rtree.setDouble(4, env[o + 1]);
                    rtree.setDouble(5, env[o + 2]);
                    rtree.setDouble(6, env[o + 3]);
                    rtree.executeUpdate();
                }
                extent[0] = Math.min(extent[0], env[o]);
                extent[1] = Math.max(extent[1], env[o + 1]);
                extent[2] = Math.min(extent[2], env[o + 2]);
                extent[3] = Math.max(extent[3], env[o + 3]);
            }
        } catch (SQLException e) {
            throw isConstraint(e) ? duplicate(layer, fid, e) : writeFailure(e);
        }
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
            String targetCode) throws AssetFailure, GeometryPolicy.InvalidGeometryException, Untransformable {
        try {
            return transcoder.transcode(blob);
        } catch (GeometryTranscoder.OutsideDomainException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, locator(layer, fid) + ": " + e.getMessage(), e);
        } catch (MalformedGeometryException e) {
            throw AssetFailure.permanent(ErrorClass.FORMAT, locator(layer, fid) + ": unreadable geometry ("
                    + e.getMessage() + ")", e);
        } catch (TransformException | RuntimeException e) {
            throw new Untransformable(GeometryPolicy.untransformable(locator(layer, fid), targetCode, e), e);
        }
    }

    /** A geometry outside the domain of the operation: see {@link GeometryPolicy#untransformable}. */
    private static final class Untransformable extends Exception {
        private static final long serialVersionUID = 1L;

        Untransformable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** "FILE: layer 'L', fid N": where a feature is, for messages and feature issues. */
    private String locator(LayerSchema layer, long fid) {
        return input + ": layer '" + layer.table() + "', fid " + fid;
    }

    /** The features skipped or repaired by this copier so far. */
    /** Records and warns when {@code layer} is converted by a ballpark operation (--allow-ballpark). */
    void ballpark(LayerSchema layer, CrsResolver.Operation op) {
        issues.ballpark(input, layer.table(), op);
    }

    FeatureIssues issues() {
        return issues;
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
