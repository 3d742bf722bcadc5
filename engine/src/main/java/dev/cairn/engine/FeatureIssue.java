package dev.cairn.engine;

import java.util.Objects;

/**
 * One feature (or one layer) that a processor skipped, repaired, kept (though invalid) or approximated by
 * policy (for example {@code --on-invalid}, {@code --allow-ballpark}),
 * stored with the asset's {@code done} transition so that it is recorded exactly once, and listed
 * by {@code cairn failures}.
 *
 * @param action    what was done to the feature
 * @param errorClass why
 * @param message   one line naming the file, layer and feature id, and the problem
 */
public record FeatureIssue(Action action, ErrorClass errorClass, String message) {
    /** What a policy did to a feature. */
    public enum Action {
        SKIPPED("feature_skipped"), REPAIRED("feature_repaired"),
        /** Written as read although invalid ({@code --on-invalid warn}). */
        KEPT("feature_kept"),
        /**
         * Written with a known approximation the user allowed: a layer converted without a datum
         * shift ({@code --allow-ballpark}).
         */
        APPROXIMATED("feature_approximated");

        private final String eventKind;

        Action(String eventKind) {
            this.eventKind = eventKind;
        }

        /** The kind of the event that records it. */
        public String eventKind() {
            return eventKind;
        }

        public static Action ofEventKind(String kind) {
            for (Action a : values()) {
                if (a.eventKind.equals(kind)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("not a feature issue event: " + kind);
        }
    }

    public FeatureIssue {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(message, "message");
    }
}
