package dev.cairn.cli;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLoggerFactory;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;

/**
 * Starts Apache SIS with its EPSG dataset on a background thread as soon as the process starts,
 * for the commands that convert, while the main thread sets up logging, parses the command line
 * and reads the configuration. On two cores this hides most of SIS's start-up behind those.
 *
 * <p>Results are unchanged: the thread only asks {@link CrsResolver} for EPSG:4326, which every
 * conversion asks for anyway (GeoPackage outputs carry its SRS row) and which CrsResolver caches
 * per code; whichever thread asks first computes it, the other gets the same object. A failure
 * here is ignored: the command meets it again, and reports it, when it asks itself. The thread
 * is a daemon, so it never holds the process up.
 *
 * <p>The main thread initialises SLF4J itself and waits until that is done: SIS may load JDBC
 * drivers (DriverManager loads them all), sqlite-jdbc's initialises SLF4J, and while SLF4J
 * initialises on one thread it hands the others a stand-in factory that {@link LogSetup} could
 * not configure.
 */
final class CrsWarmUp {

    /** The commands that resolve CRSs; others (status, failures, ...) would only pay for it. */
    private static final Set<String> CONVERTING = Set.of("convert", "resume", "retry-failures");

    private CrsWarmUp() {
    }

    /** Starts the warm-up if {@code args} name a converting command, then initialises logging. */
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
        Thread t = new Thread(CrsWarmUp::warmUp, "cairn-crs-warm-up");
        t.setDaemon(true);
        t.start();
        initialiseLogging();
    }

    /** Returns once SLF4J is initialised, by this thread or by the warm-up (at most a minute). */
    private static void initialiseLogging() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        while (factory instanceof SubstituteLoggerFactory && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            factory = LoggerFactory.getILoggerFactory();
        }
    }

    private static void warmUp() {
        try {
            CrsResolver.wkt1("EPSG:4326");
        } catch (CrsException | RuntimeException e) {
            // the command asks again and reports it
        }
    }
}
