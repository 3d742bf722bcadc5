package dev.cairn.archfixture.cycle.a;

import dev.cairn.archfixture.cycle.b.B;

/** Half of a package cycle made on purpose (see ArchitectureRulesTest). */
public class A {
    public B b;
}
