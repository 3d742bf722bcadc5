package dev.cairn.cli;

import java.util.logging.Level;

/** Logging set-up shared by the commands. */
final class Logging {
    private Logging() {
    }

    /**
     * Apache SIS and Derby log through java.util.logging; their start-up notices are not for
     * users of a batch tool. Warnings and errors still come through.
     */
    static void configureJavaUtilLogging() {
        java.util.logging.Logger.getLogger("org.apache.sis").setLevel(Level.SEVERE);
        java.util.logging.Logger.getLogger("org.apache.derby").setLevel(Level.SEVERE);
        java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
    }
}
