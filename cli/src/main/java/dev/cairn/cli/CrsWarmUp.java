package dev.cairn.cli;

import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;

/**
 * Starts logging and Apache SIS with its EPSG dataset on a background thread as soon as the
 * process starts, for the commands that convert, while the main thread parses the command line
 * and reads the configuration. On two cores this hides most of their start-up behind those.
 *
 * <p>Results are unchanged: the thread only asks {@link CrsResolver} for EPSG:4326, which every
 * conversion asks for anyway (GeoPackage outputs carry its SRS row) and which CrsResolver caches
 * per code; whichever thread asks first computes it, the other gets the same object. A failure
 * here is ignored: the command meets it again, and reports it, when it asks itself. The thread
 * is a daemon, so it never holds the process up.
 *
 * <p>Logging is initialised first, on this thread, and {@link LogSetup} waits for it
 * ({@link #awaitLogging}): SIS may load JDBC drivers (DriverManager loads them all), sqlite-jdbc's
 * initialises SLF4J, and while SLF4J initialises on one thread it hands other threads a stand-in
 * factory that LogSetup could not configure.
 */
final class CrsWarmUp {

    /** The commands that resolve CRSs; others (status, failures, ...) would only pay for it. */
    private static final Set<String> CONVERTING = Set.of("convert", "resume", "retry-failures");

    /** Counted down once SLF4J is initialised by the warm-up; null when no warm-up runs. */
    private static volatile CountDownLatch logging;

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
        CountDownLatch latch = new CountDownLatch(1);
        logging = latch;
        Thread t = new Thread(() -> warmUp(latch), "cairn-crs-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Returns once logging may be configured: at once when no warm-up runs. */
    static void awaitLogging() {
        CountDownLatch latch = logging;
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warmUp(CountDownLatch latch) {
        try {
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            // LogSetup meets it again
        } finally {
            latch.countDown();
        }
        try {
            CrsResolver.wkt1("EPSG:4326");
        } catch (CrsException | RuntimeException e) {
            // the command asks again and reports it
        }
    }
}
