package dev.cairn.geo.pipeline;

import dev.cairn.engine.pipeline.TransformPool;
import dev.cairn.engine.pipeline.OrderedPipeline;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.locationtech.jts.geom.Geometry;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ProcessContext;
import dev.cairn.geo.crs.CrsDomain;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.locationtech.jts.geom.Envelope;

/**
 * What happens to each feature of a layer between reading and writing: the check that its
 * coordinates lie in the declared CRS's domain ({@link OutsideCrs}), the {@code --on-invalid}
 * policy, then the reprojection, run on the {@link TransformPool} while the calling thread reads
 * and writes.
 *
 * <p>{@link #copy} is an {@link OrderedPipeline}: the caller's thread reads batches of
 * {@value #BATCH} features from the cursor, the pool transforms them (one
 * {@link GeometryReprojector} per batch: it reuses buffers), the caller writes them in order. Failures surface at their feature, as in a
 * serial copy, naming the file, layer and fid; skipped and repaired features are recorded in
 * {@link FeatureIssues} by the writing thread, in input order. Cursors hand out a new
 * {@link Feature} (geometry and values) per call, which is what lets batches travel.
 *
 * <p>{@link #copyEncoded} goes one step further for a format that encodes features itself
 * ({@link ChunkParts}, FlatGeobuf parts): the pool also encodes each kept feature in the output
 * format, so the calling thread only reads and appends bytes. Encoding a polygon costs about what
 * reprojecting it does; on the calling thread it made the last chunk of a file (which runs alone)
 * a serial reader-encoder that kept the pool half idle.
 */
public final class FeatureTransformer {
    /** Features per batch handed to the transform pool. */
    static final int BATCH = 512;

    private final MathTransform transform;
    private final Supplier<MathTransform> transform3d;
    private final CrsDomain domain;
    private final GeometryPolicy policy;
    private final FeatureIssues issues;
    private final Path input;
    private final String layer;
    private final String targetCode;

    /**
     * @param op     the layer's operation: its transform, with heights, and its source's domain
     * @param policy null to write geometries without a validity check
     */
    public FeatureTransformer(CrsResolver.Operation op, GeometryPolicy policy, FeatureIssues issues, Path input,
            String layer, String targetCode) {
        this(op.transform(), op::withHeights, op.sourceDomain(), policy, issues, input, layer, targetCode);
    }

    /**
     * @param transform   horizontal transform (x = east, y = north); null or identity to leave coordinates
     * @param transform3d gives the same with ellipsoidal heights, asked for at the first geometry with Z
     * @param domain      where source coordinates can lie ({@link OutsideCrs}); null for no check
     * @param policy      null to write geometries without a validity check
     */
    public FeatureTransformer(MathTransform transform, Supplier<MathTransform> transform3d, CrsDomain domain,
            GeometryPolicy policy, FeatureIssues issues, Path input, String layer, String targetCode) {
        this.transform = transform;
        this.transform3d = transform3d;
        this.domain = domain;
        this.policy = policy;
        this.issues = issues;
        this.input = input;
        this.layer = layer;
        this.targetCode = targetCode;
    }

    /** Where {@link #copy} puts the features it keeps. */
    @FunctionalInterface
    public interface Writer {
        void write(Feature f) throws AssetFailure;
    }

    /**
     * Reads {@code cursor} to its end, writing every kept feature to {@code out} in input order;
     * reports progress and honours a stop request every {@link FeatureConverter#STOP_CHECK_INTERVAL}
     * features. Returns the features written.
     */
    public long copy(FeatureCursor cursor, Writer out, ProcessContext ctx) throws AssetFailure {
        long[] written = {0};
        TransformedBatch.Progress progress = new TransformedBatch.Progress(ctx);
        OrderedPipeline.run(() -> read(cursor), this::transform,
                batch -> written[0] += batch.drain(r -> out.write(batch.features[r]), issues, progress),
                input + ": layer '" + layer + "'");
        progress.finish();
        return written[0];
    }

    /** Where {@link #copyEncoded} puts the encoded features it keeps. */
    @FunctionalInterface
    public interface EncodedWriter {
        /**
         * One feature as the format stores it (the bytes between the position and the limit, valid
         * during the call) and its geometry's envelope (null without one).
         */
        void write(ByteBuffer encoded, Envelope envelope) throws AssetFailure;
    }

    /**
     * As {@link #copy}, with every kept feature also encoded on the pool by an encoder of
     * {@code encoders} (one per batch: encoders are not thread-safe); {@code out} gets the bytes
     * in input order. The same bytes as encoding on the calling thread: an encoding depends on
     * the feature only.
     */
    public long copyEncoded(FeatureCursor cursor, Supplier<ChunkParts.Encoder> encoders, EncodedWriter out,
            ProcessContext ctx) throws AssetFailure {
        long[] written = {0};
        AtomicInteger encodedSize = new AtomicInteger();
        TransformedBatch.Progress progress = new TransformedBatch.Progress(ctx);
        OrderedPipeline.run(() -> read(cursor), batch -> encode(transform(batch), encoders.get(), encodedSize),
                batch -> {
                    ByteBuffer view = ByteBuffer.wrap(batch.encoded);
                    written[0] += batch.drain(r -> out.write(
                            view.limit(batch.ends[r]).position(r == 0 ? 0 : batch.ends[r - 1]), batch.envelopes[r]),
                            issues, progress);
                }, input + ": layer '" + layer + "'");
        progress.finish();
        return written[0];
    }

    /**
     * Runs on a pool thread after {@link #transform}: encodes the rows to be written (not the
     * skipped ones, none from the failed row on) back to back into one array, and lets go of the
     * features (the writer needs only the bytes).
     */
    private static Batch encode(Batch batch, ChunkParts.Encoder encoder, AtomicInteger sizeHint) {
        batch.ends = new int[batch.size];
        batch.envelopes = new Envelope[batch.size];
        // room for what the last batch took, plus an eighth: growing from a guess by copies was the
        // largest allocation of a FlatGeobuf conversion (0.4 GB of 4 for 1M polygons, JFR)
        int hint = sizeHint.get();
        byte[] bytes = new byte[Math.max(64 * batch.size, hint + (hint >> 3))];
        int end = 0;
        int last = batch.failedRow() < 0 ? batch.size : batch.failedRow();
        for (int r = 0; r < last; r++) {
            if (!batch.skipped(r)) {
                try {
                    ByteBuffer one = encoder.encode(batch.features[r]);
                    int n = one.remaining();
                    if (end + n > bytes.length) {
                        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, end + n));
                    }
                    one.get(bytes, end, n);
                    end += n;
                    batch.envelopes[r] = encoder.envelope();
                } catch (AssetFailure failure) {
                    batch.fail(r, failure);
                    break;
                }
            }
            batch.ends[r] = end;
            batch.features[r] = null;
        }
        batch.encoded = bytes;
        if (batch.size == BATCH) {
            sizeHint.set(end);
        }
        return batch;
    }

    /** The next batch of up to {@value #BATCH} features, or null at the end. */
    private static Batch read(FeatureCursor cursor) throws AssetFailure {
        Batch batch = new Batch();
        while (batch.size < BATCH) {
            Feature f = cursor.next();
            if (f == null) {
                break;
            }
            batch.features[batch.size++] = f;
        }
        return batch.size == 0 ? null : batch;
    }

    /** Features read but not yet written, and what the pool made of each. */
    private static final class Batch extends TransformedBatch {
        final Feature[] features = new Feature[BATCH];
        /** With {@link #copyEncoded}: the rows' encodings back to back, where each ends, their envelopes. */
        byte[] encoded;
        int[] ends;
        Envelope[] envelopes;

        Batch() {
            super(BATCH);
        }
    }

    /** Runs on a pool thread: policy and reprojection of every feature, stopping at the first failure. */
    private Batch transform(Batch batch) {
        GeometryReprojector reprojector = new GeometryReprojector(transform, transform3d);
        String[] repair = new String[1];
        for (int r = 0; r < batch.size; r++) {
            Feature f = batch.features[r];
            try {
                Feature at = f;
                OutsideCrs.checkGeometry(domain, f.geometry(), () -> where(at));
                if (f.geometry() != null && policy != null) {
                    repair[0] = null;
                    try {
                        Geometry g = policy.apply(f.geometry(), repair);
                        if (repair[0] != null && policy.onInvalid() == GeometryPolicy.OnInvalid.WARN) {
                            batch.kept(r, GeometryPolicy.keptMessage(where(f), repair[0]));
                        } else if (g != f.geometry()) {
                            f = new Feature(f.fid(), g, f.values());
                            batch.features[r] = f;
                            batch.repaired(r, GeometryPolicy.repairedMessage(where(f), repair[0]));
                        }
                    } catch (GeometryPolicy.InvalidGeometryException invalid) {
                        if (policy.onInvalid() == GeometryPolicy.OnInvalid.SKIP) {
                            batch.skip(r, GeometryPolicy.invalid(where(f), invalid));
                            continue;
                        }
                        throw GeometryPolicy.failure(where(f), invalid);
                    }
                }
                try {
                    reprojector.transform(f.geometry());
                } catch (TransformException | RuntimeException e) {
                    String why = GeometryPolicy.untransformable(where(f), targetCode, e);
                    if (policy != null && policy.onInvalid() == GeometryPolicy.OnInvalid.SKIP) {
                        batch.skip(r, why);
                        continue;
                    }
                    throw GeometryPolicy.untransformableFailure(why, e);
                }
            } catch (AssetFailure failure) {
                batch.fail(r, failure);
                return batch;
            }
        }
        return batch;
    }

    private String where(Feature f) {
        return input + ": layer '" + layer + "', fid " + f.fid();
    }

}
