package dev.cairn.cli.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;

/** What the crash tests read from a checkpoint's append-only event log, between kills and after. */
final class CheckpointEvents {
    private CheckpointEvents() {
    }

    /** Events of one kind ({@code claimed}, {@code done}, ...) per asset id; empty before the checkpoint exists. */
    static Map<String, Integer> count(Path out, String kind) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        Path db = dev.cairn.engine.JobHome.of(out).resolve(".cairn").resolve("checkpoint.db");
        if (!Files.exists(db)) {
            return counts;
        }
        try (Connection c = GpkgCompare.open(db);
             var ps = c.prepareStatement("SELECT asset_id, count(*) FROM event WHERE kind = ? AND asset_id IS NOT NULL GROUP BY 1")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (java.sql.SQLException notYetCreated) {
            // killed before the checkpoint schema existed
        }
        return counts;
    }
}
