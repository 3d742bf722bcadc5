package dev.cairn.archfixture.engine;

import org.locationtech.jts.geom.Geometry;

/** Breaks the engine rule on purpose (see ArchitectureRulesTest). */
public class EngineUsingJts {
    public int dimension(Geometry g) {
        return g.getDimension();
    }
}
