package dev.cairn.archfixture.geo.gpkg;

/** Stands for a concrete format provider (see ArchitectureRulesTest). */
public class FixtureProvider {
}
