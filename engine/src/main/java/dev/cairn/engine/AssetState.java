package dev.cairn.engine;

/**
 * The states of an asset: {@code PENDING → RUNNING(worker, lease, attempt) → DONE | FAILED}.
 * A {@code RUNNING} asset whose lease has expired, or whose worker is known to be dead, is
 * claimable again as if it were {@code PENDING}.
 */
public enum AssetState {
    PENDING, RUNNING, DONE, FAILED;

    /** Lower-case name used in the store and in JSON. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AssetState fromKey(String key) {
        return valueOf(key.toUpperCase(java.util.Locale.ROOT));
    }
}
