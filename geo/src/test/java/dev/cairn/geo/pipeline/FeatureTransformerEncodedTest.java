package dev.cairn.geo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.testing.CountingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

/**
 * {@link FeatureTransformer#copyEncoded}: features encoded on the pool reach the writer as the
 * same bytes, in the same order, with the same skips and the same failure point as features
 * encoded one by one on the calling thread.
 */
class FeatureTransformerEncodedTest {
    private static final GeometryFactory GF = new GeometryFactory();
    /** More than two batches of the pipeline, so that several are in flight. */
    private static final int N = 2 * FeatureTransformer.BATCH + 276;

    @Test
    void encodedOnThePoolTheWriterGetsTheBytesOfEachKeptFeatureInInputOrder() throws Exception {
        int bowtie = 700;
        FeatureIssues issues = new FeatureIssues();
        FeatureTransformer transformer = transformer(GeometryPolicy.OnInvalid.SKIP, issues);
        List<String> envelopes = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();

        long written = transformer.copyEncoded(cursor(features(bowtie)), FidAndWkt::new, (bytes, env) -> {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            got.write(b, 0, b.length);
            envelopes.add(String.valueOf(env));
        }, new CountingContext());

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<String> expectedEnvelopes = new ArrayList<>();
        FidAndWkt serial = new FidAndWkt();
        for (Feature f : features(bowtie)) {
            if (f.fid() != bowtie) {
                ByteBuffer b = serial.encode(f);
                expected.write(b.array(), b.position(), b.remaining());
                expectedEnvelopes.add(String.valueOf(serial.envelope()));
            }
        }
        assertThat(written).isEqualTo(N - 1);
        assertThat(got.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(envelopes).isEqualTo(expectedEnvelopes);
        assertThat(issues.skippedCount()).isEqualTo(1);
    }

    @Test
    void aFailureSurfacesAtItsFeatureAfterEveryEarlierFeatureWasWritten() throws Exception {
        int bowtie = 1000;
        FeatureTransformer transformer = transformer(GeometryPolicy.OnInvalid.FAIL, new FeatureIssues());
        List<Long> fids = new ArrayList<>();

        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> transformer.copyEncoded(
                cursor(features(bowtie)), FidAndWkt::new, (bytes, env) -> fids.add(bytes.getLong(bytes.position())),
                new CountingContext()));

        assertThat(f.errorClass()).isEqualTo(ErrorClass.GEOMETRY);
        assertThat(f.getMessage()).contains("fid " + bowtie);
        assertThat(fids).hasSize(bowtie).last().isEqualTo((long) bowtie - 1);
    }

    @Test
    void anEncodingFailureIsRaisedAtItsFeatureLikeAnyOther() throws Exception {
        FeatureTransformer transformer = transformer(null, new FeatureIssues());
        List<Long> fids = new ArrayList<>();

        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> transformer.copyEncoded(
                cursor(features(-1)), () -> new FidAndWkt(600), (bytes, env) -> fids.add(bytes.getLong(bytes.position())),
                new CountingContext()));

        assertThat(f.errorClass()).isEqualTo(ErrorClass.FORMAT);
        assertThat(f.getMessage()).isEqualTo("cannot encode fid 600");
        assertThat(fids).hasSize(600);
    }

    private static FeatureTransformer transformer(GeometryPolicy.OnInvalid onInvalid, FeatureIssues issues) {
        return new FeatureTransformer(null, () -> null, null, onInvalid == null ? null : new GeometryPolicy(onInvalid),
                issues, Path.of("in.gpkg"), "things", "EPSG:4326");
    }

    /** Squares of growing size; at {@code bowtie} a self-intersecting one. */
    private static List<Feature> features(long bowtie) throws Exception {
        WKTReader wkt = new WKTReader(GF);
        List<Feature> all = new ArrayList<>();
        for (long fid = 0; fid < N; fid++) {
            Geometry g = fid == bowtie ? wkt.read("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))")
                    : GF.toGeometry(new Envelope(fid, fid + 1 + fid % 7, -fid, 2 - fid));
            all.add(new Feature(fid, g, new Object[] {"f" + fid}));
        }
        return all;
    }

    private static FeatureCursor cursor(List<Feature> features) {
        return new FeatureCursor() {
            private int next;

            @Override
            public Feature next() {
                return next < features.size() ? features.get(next++) : null;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * An encoding that depends on the whole feature: its fid, then its geometry's WKT, into one
     * reused buffer (as the real encoders do: valid until the next call).
     */
    private static final class FidAndWkt implements ChunkParts.Encoder {
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private final long failAt;
        private Envelope envelope;

        FidAndWkt() {
            this(-1);
        }

        FidAndWkt(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public ByteBuffer encode(Feature f) throws AssetFailure {
            if (f.fid() == failAt) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, "cannot encode fid " + f.fid());
            }
            envelope = f.geometry().getEnvelopeInternal();
            buffer.clear();
            buffer.putLong(f.fid()).put(f.geometry().toText().getBytes(StandardCharsets.US_ASCII));
            return buffer.flip();
        }

        @Override
        public Envelope envelope() {
            return envelope;
        }
    }
}
