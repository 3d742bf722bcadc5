package dev.cairn.geo.gpkg;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.AssetFailure;

/**
 * Plans the feature-range chunks of a GeoPackage: for a file with a feature layer or attribute
 * table of more than {@code chunkFeatures} rows, every such layer and table is cut at every
 * {@code chunkFeatures}-th fid (in fid order), so each chunk holds {@code chunkFeatures} rows
 * except the last of a layer. Attribute tables are planned like feature layers: their rows are
 * the job's items too, and they go into the same staging file.
 *
 * <p>Cost: a {@code count(*)} per layer (no row decoded) for every file; for a file that is
 * chunked, the smallest and largest fid of each large layer (two b-tree look-ups) and, unless
 * they tell that the fids run without a gap (largest − smallest + 1 = count: then the boundaries
 * follow by arithmetic, the same ones the pass finds), one pass over the fid index
 * ({@code SELECT fid ORDER BY fid}, O(rows), about a second per 5 million rows; 0.2 s of the
 * start-up of a 1M-feature conversion), never {@code OFFSET} queries. Memory is the list of
 * boundaries.
 *
 * <p>A file that cannot be read as a GeoPackage is not chunked (its whole-file asset fails on
 * its own and says why).
 */
public final class FidRangePlanner {

    /**
     * The chunk boundaries of one layer: chunk {@code k} covers {@code [starts[k-1], starts[k])},
     * the first open below and the last open above; a layer of at most one chunk has none.
     */
    public record LayerRanges(String layer, long features, List<Long> starts) {
        public int chunks() {
            return starts.size() + 1;
        }

        public Long from(int k) {
            return k == 0 ? null : starts.get(k - 1);
        }

        public Long to(int k) {
            return k == starts.size() ? null : starts.get(k);
        }
    }

    private FidRangePlanner() {
    }

    /**
     * The ranges of every feature layer of {@code gpkg} (in the converter's layer order) when at
     * least one layer has more than {@code chunkFeatures} features; an empty list when none has,
     * when {@code chunkFeatures <= 0} (chunking off), or when the file is not a readable GeoPackage.
     */
    public static List<LayerRanges> plan(Path gpkg, long chunkFeatures) {
        if (chunkFeatures <= 0) {
            return List.of();
        }
        try (GpkgReader reader = GpkgReader.open(gpkg)) {
            List<LayerSchema> layers = new ArrayList<>();
            reader.listContents(layers, new ArrayList<>());
            long[] counts = new long[layers.size()];
            boolean huge = false;
            for (int i = 0; i < layers.size(); i++) {
                counts[i] = reader.count(layers.get(i));
                huge |= counts[i] > chunkFeatures;
            }
            if (!huge) {
                return List.of();
            }
            List<LayerRanges> plan = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                List<Long> starts = new ArrayList<>();
                long[] bounds = counts[i] > chunkFeatures ? reader.fidBounds(layers.get(i)) : null;
                if (bounds != null && bounds[1] - bounds[0] + 1 == counts[i]) {
                    // every fid from the smallest to the largest: the row k * n has the fid min + k * n
                    for (long row = chunkFeatures; row < counts[i]; row += chunkFeatures) {
                        starts.add(bounds[0] + row);
                    }
                } else if (counts[i] > chunkFeatures) {
                    try (ResultSet rs = reader.fids(layers.get(i))) {
                        long row = 0;
                        while (rs.next()) {
                            if (row > 0 && row % chunkFeatures == 0) {
                                starts.add(rs.getLong(1));
                            }
                            row++;
                        }
                    }
                }
                plan.add(new LayerRanges(layers.get(i).table(), counts[i], List.copyOf(starts)));
            }
            return plan;
        } catch (AssetFailure | SQLException | RuntimeException unreadable) {
            return List.of();
        }
    }
}
