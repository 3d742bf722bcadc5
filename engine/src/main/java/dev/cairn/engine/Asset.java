package dev.cairn.engine;

import java.util.Objects;

/**
 * One unit of work and of checkpointing: a whole input file, or a part of one (a layer, a
 * feature range). Assets are planned up front and stored with the fingerprint of their input
 * ({@code inputSize}, {@code inputMtimeMillis}), so that an input changed after its asset was
 * done is noticed and processed again.
 *
 * @param id               stable identifier, unique within a job (for files: the path relative
 *                         to the input root, so that re-planning finds the same id)
 * @param input            where the input lives (an absolute path for file assets)
 * @param part             which part of the input, or {@code null} for the whole input; opaque
 *                         to the engine, meaningful to the processor
 * @param output           where the output goes (an absolute path for file outputs)
 * @param inputSize        size of the input in bytes when planned
 * @param inputMtimeMillis last-modified time of the input when planned
 */
public record Asset(String id, String input, String part, String output, long inputSize, long inputMtimeMillis) {
    public Asset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    /**
     * What differs between {@code stored} (the asset as an earlier plan recorded it) and this
     * planned one — input fingerprint, input, part, output — as text for the {@code replanned}
     * event, or null when nothing does (the stored asset keeps its state).
     */
    public String changesSince(Asset stored) {
        java.util.List<String> diffs = new java.util.ArrayList<>();
        if (stored.inputSize() != inputSize) {
            diffs.add("input size " + stored.inputSize() + " → " + inputSize);
        }
        if (stored.inputMtimeMillis() != inputMtimeMillis) {
            diffs.add("input mtime " + stored.inputMtimeMillis() + " → " + inputMtimeMillis);
        }
        if (!stored.input().equals(input)) {
            diffs.add("input " + stored.input() + " → " + input);
        }
        if (!Objects.equals(stored.part(), part)) {
            diffs.add("part " + stored.part() + " → " + part);
        }
        if (!stored.output().equals(output)) {
            diffs.add("output " + stored.output() + " → " + output);
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }
}
