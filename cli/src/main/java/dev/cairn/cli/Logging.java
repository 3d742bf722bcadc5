package dev.cairn.cli;

import java.util.logging.Level;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Logging set-up shared by the commands. */
final class Logging {
    private Logging() {
    }

    /**
     * Apache SIS, Derby and the GeoPackage library log through java.util.logging; their start-up
     * notices are not for users of a batch tool, so only SEVERE records pass. Those are handed to
     * SLF4J instead of java.util.logging's own console handler, which would print two plain-text
     * lines of its own: through Logback they take the format of every other line on stderr (one
     * JSON object per line in JSON mode). Idempotent.
     */
    static void configureJavaUtilLogging() {
        java.util.logging.Logger.getLogger("org.apache.sis").setLevel(Level.SEVERE);
        java.util.logging.Logger.getLogger("org.apache.derby").setLevel(Level.SEVERE);
        java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
