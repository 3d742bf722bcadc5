package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanDiffTest {

    private static Asset asset(String id, long size) {
        return new Asset(id, "/in/" + id, null, "/out/" + id, size, 1);
    }

    @Test
    void unknownIdsAreAddedInPlanningOrderKnownOnesWithTheSameFingerprintAreUnchanged() {
        Map<String, Asset> known = Map.of("b", asset("b", 2));

        PlanDiff diff = PlanDiff.of(List.of(asset("c", 3), asset("b", 2), asset("a", 1)), known);

        assertThat(diff.added()).extracting(Asset::id).containsExactly("c", "a");
        assertThat(diff.changed()).isEmpty();
        assertThat(diff.summary()).isEqualTo(new PlanSummary(2, 1, 0));
    }

    @Test
    void aKnownIdWithAnotherFingerprintIsChangedAndItsDetailSaysWhatChanged() {
        Map<String, Asset> known = Map.of("a", asset("a", 1), "b", asset("b", 2));
        Asset moved = new Asset("b", "/in/b", null, "/elsewhere/b", 2, 1);

        PlanDiff diff = PlanDiff.of(List.of(asset("a", 10), moved), known);

        assertThat(diff.changed()).extracting(PlanDiff.Changed::asset).containsExactly(asset("a", 10), moved);
        assertThat(diff.changed()).extracting(PlanDiff.Changed::detail)
                .containsExactly("input size 1 → 10", "output /out/b → /elsewhere/b");
        assertThat(diff.summary()).isEqualTo(new PlanSummary(0, 0, 2));
    }

    @Test
    void anIdPlannedTwiceIsRefusedNamingIt() {
        assertThatThrownBy(() -> PlanDiff.of(List.of(asset("a", 1), asset("x", 1), asset("a", 2)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Asset id a is planned twice; asset ids must be unique within a job.");
    }

    @Test
    void anIdPlannedTwiceIsRefusedEvenWhenTheStoreKnowsIt() {
        Map<String, Asset> known = Map.of("a", asset("a", 1));

        assertThatThrownBy(() -> PlanDiff.of(List.of(asset("a", 1), asset("a", 1)), known))
                .hasMessageContaining("Asset id a is planned twice");
    }
}
