package dev.cairn.geo.pipeline;

import java.nio.file.Path;

import org.locationtech.jts.geom.Geometry;
import org.opengis.referencing.operation.TransformException;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.format.Feature;

/**
 * What happens to each feature of a layer between reading and writing: the {@code --on-invalid}
 * policy, then the reprojection. Failures name the file, layer and fid; skipped and repaired
 * features go to {@link FeatureIssues}. Not thread-safe (the reprojector reuses buffers).
 */
public final class FeatureTransformer {
    private final GeometryReprojector reprojector;
    private final GeometryPolicy policy;
    private final FeatureIssues issues;
    private final Path input;
    private final String layer;
    private final String targetCode;
    private final String[] repair = new String[1];

    /**
     * @param policy null to write geometries without a validity check
     */
    public FeatureTransformer(GeometryReprojector reprojector, GeometryPolicy policy, FeatureIssues issues, Path input,
            String layer, String targetCode) {
        this.reprojector = reprojector;
        this.policy = policy;
        this.issues = issues;
        this.input = input;
        this.layer = layer;
        this.targetCode = targetCode;
    }

    /** The feature to write (its geometry transformed in place, or repaired), or null to skip it. */
    public Feature apply(Feature f) throws AssetFailure {
        if (f.geometry() != null && policy != null) {
            repair[0] = null;
            try {
                Geometry g = policy.apply(f.geometry(), repair);
                if (g != f.geometry()) {
                    f = new Feature(f.fid(), g, f.values());
                    issues.repaired(where(f) + ": invalid geometry repaired (" + repair[0] + ")");
                }
            } catch (GeometryPolicy.InvalidGeometryException invalid) {
                String what = where(f) + ": invalid geometry (" + invalid.getMessage() + ")";
                if (policy.onInvalid() == GeometryPolicy.OnInvalid.SKIP) {
                    issues.skipped(what);
                    return null;
                }
                throw AssetFailure.permanent(ErrorClass.GEOMETRY, what
                        + "; --on-invalid skip leaves such features out, --on-invalid repair fixes them");
            }
        }
        try {
            reprojector.transform(f.geometry());
        } catch (TransformException | RuntimeException e) {
            throw AssetFailure.permanent(ErrorClass.GEOMETRY, where(f) + ": cannot transform to " + targetCode
                    + " (" + oneLine(e.getMessage()) + ")", e);
        }
        return f;
    }

    private String where(Feature f) {
        return input + ": layer '" + layer + "', fid " + f.fid();
    }

    private static String oneLine(String s) {
        return s == null ? "no detail" : s.replaceAll("\\s+", " ").trim();
    }
}
