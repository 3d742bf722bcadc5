package dev.cairn.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What planning a list of assets changes against the assets a job already holds, worked out once
 * for every store, so that "new", "changed", "unchanged" and "planned twice" mean the same in
 * SQLite and PostgreSQL; each store then writes {@link #added} and {@link #changed} its own way
 * (JDBC batches, {@code COPY}).
 *
 * <pre>
 *   planned asset            stored asset with that id      becomes
 *   ───────────────────────  ─────────────────────────────  ─────────────────────────────────────
 *   id seen before in list   —                              IllegalArgumentException, nothing planned
 *   id unknown               none                           added    (inserted pending, "planned")
 *   same fingerprint         input, part, output, size,     unchanged (its state is kept: a done
 *                            mtime all equal                          asset stays done on resume)
 *   another fingerprint      any of them differs            changed  (pending again, "replanned"
 *                                                                     with what changed as detail)
 * </pre>
 *
 * <p>Both lists keep the planning order of {@code assets}: new assets get their {@code seq} in
 * that order.
 */
public record PlanDiff(List<Asset> added, List<Changed> changed, int unchanged) {

    /** A known asset planned with another fingerprint; {@code detail} says what changed, for its event. */
    public record Changed(Asset asset, String detail) {
    }

    /**
     * Compares {@code assets} with {@code known} (the job's stored assets by id).
     *
     * @throws IllegalArgumentException when an id is planned twice
     */
    public static PlanDiff of(List<Asset> assets, Map<String, Asset> known) {
        List<Asset> added = new ArrayList<>(known.isEmpty() ? assets.size() : 16);
        List<Changed> changed = new ArrayList<>();
        int unchanged = 0;
        Set<String> seen = new HashSet<>(Math.max(16, (int) (assets.size() / 0.75f) + 1));
        for (Asset asset : assets) {
            if (!seen.add(asset.id())) {
                throw new IllegalArgumentException("Asset id " + asset.id()
                        + " is planned twice; asset ids must be unique within a job.");
            }
            Asset old = known.get(asset.id());
            String detail;
            if (old == null) {
                added.add(asset);
            } else if ((detail = asset.changesSince(old)) != null) {
                changed.add(new Changed(asset, detail));
            } else {
                unchanged++;
            }
        }
        return new PlanDiff(added, changed, unchanged);
    }

    /** The counts a store's {@code plan} returns. */
    public PlanSummary summary() {
        return new PlanSummary(added.size(), unchanged, changed.size());
    }
}
