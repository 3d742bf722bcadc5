package dev.cairn.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;

class OrderedPipelineTest {

    @Test
    void batchesAreWrittenInInputOrderWhateverOrderTheTransformsFinishIn() throws AssetFailure {
        AtomicInteger next = new AtomicInteger();
        Random random = new Random(11);
        List<Integer> written = new ArrayList<>();
        OrderedPipeline.run(() -> next.get() < 200 ? new int[] {next.getAndIncrement()} : null, b -> {
            try {
                Thread.sleep(random.nextInt(3)); // finish out of order
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new int[] {b[0] * 2};
        }, b -> written.add(b[0]), "test");
        assertThat(written).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(written.get(i)).isEqualTo(2 * i);
        }
    }

    @Test
    void atMostTheInFlightBoundIsReadAheadOfTheWriter() throws AssetFailure {
        AtomicInteger read = new AtomicInteger();
        List<Integer> lead = new ArrayList<>();
        int[] writtenCount = {0};
        OrderedPipeline.run(() -> read.get() < 100 ? new int[] {read.getAndIncrement()} : null, b -> b, b -> {
            lead.add(read.get() - writtenCount[0]);
            writtenCount[0]++;
        }, "test");
        assertThat(lead).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(TransformPool.inFlight()));
    }

    @Test
    void aFailureRaisedByTheWriterStopsTheRunAndLaterBatchesAreNotWritten() {
        AtomicInteger next = new AtomicInteger();
        List<Integer> written = new ArrayList<>();
        AssetFailure f = catchThrowableOfType(AssetFailure.class, () -> OrderedPipeline.run(
                () -> next.get() < 1_000 ? new int[] {next.getAndIncrement()} : null, b -> b, b -> {
                    if (b[0] == 37) {
                        throw AssetFailure.permanent(ErrorClass.GEOMETRY, "batch 37 is bad");
                    }
                    written.add(b[0]);
                }, "test"));
        assertThat(f).hasMessage("batch 37 is bad");
        assertThat(written).hasSize(37).endsWith(36);
        assertThat(next.get()).as("reading stops soon after").isLessThan(37 + TransformPool.inFlight() + 2);
    }

    @Test
    void anUnexpectedExceptionOfATransformReachesTheCallerUnchanged() {
        AtomicInteger next = new AtomicInteger();
        List<Integer> written = new ArrayList<>();
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> OrderedPipeline.run(
                () -> next.get() < 20 ? new int[] {next.getAndIncrement()} : null, b -> {
                    if (b[0] == 4) {
                        throw new IllegalStateException("boom");
                    }
                    return b;
                }, b -> written.add(b[0]), "in.gpkg: layer 'x'"));
        assertThat(e).hasMessage("boom");
        assertThat(written).containsExactly(0, 1, 2, 3);
    }
}
