package dev.cairn.cli;

import java.util.Set;

import org.slf4j.LoggerFactory;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;

/**
 * Starts Apache SIS and its EPSG dataset on a background thread as soon as the process starts, for
 * the commands that convert, while the main thread parses the command line, reads the
 * configuration and sets up logging. On two cores this hides most of SIS's start-up behind those.
 *
 * <p>Results are unchanged: the thread only asks {@link CrsResolver} for EPSG:4326, which every
 * conversion asks for anyway (GeoPackage outputs carry its SRS row) and which CrsResolver caches
 * per code; whichever thread asks first computes it, the other gets the same object. A failure
 * here is ignored: the command meets it again, and reports it, when it asks itself. The thread
 * is a daemon, so it never holds the process up.
 */
final class CrsWarmUp {

    /** The commands that resolve CRSs; others (status, failures, ...) would only pay for it. */
    private static final Set<String> CONVERTING = Set.of("convert", "resume", "retry-failures");

    private CrsWarmUp() {
    }

    /** Starts the warm-up if {@code args} name a converting command. */
    static void startFor(String... args) {
        String command = null;
        for (String a : args) {
            if (!a.startsWith("-")) {
                command = a;
                break;
            }
        }
        if (command == null || !CONVERTING.contains(command)) {
            return;
        }
        // SLF4J first, on this thread: the warm-up loads JDBC drivers (DriverManager loads them
        // all), sqlite-jdbc's initialises SLF4J, and while SLF4J initialises on one thread it hands
        // other threads a stand-in factory, which LogSetup could not configure.
        LoggerFactory.getILoggerFactory();
        Thread t = new Thread(CrsWarmUp::warmUp, "cairn-crs-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void warmUp() {
        try {
            CrsResolver.wkt1("EPSG:4326");
        } catch (CrsException | RuntimeException e) {
            // the command asks again and reports it
        }
    }
}
