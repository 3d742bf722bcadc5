package dev.cairn.archfixture.cycle.b;

import dev.cairn.archfixture.cycle.a.A;

/** Half of a package cycle made on purpose (see ArchitectureRulesTest). */
public class B {
    public A a;
}
