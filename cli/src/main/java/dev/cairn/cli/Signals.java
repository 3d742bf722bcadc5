package dev.cairn.cli;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGINT / SIGTERM handling (DESIGN §2.6). The first signal asks the run to stop gracefully: no
 * new claims, in-flight assets finish or roll back, the checkpoint is flushed and the summary
 * printed, exit 1. A second signal halts at once; that is still safe because outputs are only
 * published by atomic rename and every checkpoint change is one transaction.
 *
 * <p>{@code sun.misc.Signal} is used instead of a shutdown hook because a hook cannot let the run
 * finish its summary and choose the exit code; it is in the {@code jdk.unsupported} module that
 * every JDK ships.
 */
final class Signals {
    private final AtomicInteger received = new AtomicInteger();
    private volatile Runnable onStop;

    /** Creates a handler and installs it for SIGINT and SIGTERM. */
    static Signals installed() {
        Signals s = new Signals();
        s.install();
        return s;
    }

    void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), this::handle);
            } catch (IllegalArgumentException unsupported) {
                // The platform does not have this signal (or the JVM reserves it): keep the default.
            }
        }
    }

    /** Sets what the first signal does; runs it at once if a signal already arrived. */
    void onStop(Runnable action) {
        this.onStop = action;
        if (received.get() > 0) {
            action.run();
        }
    }

    boolean received() {
        return received.get() > 0;
    }

    private void handle(Signal signal) {
        int n = received.incrementAndGet();
        if (n == 1) {
            StderrEvents.signal(signal.getName(), false);
            Runnable action = onStop;
            if (action != null) {
                action.run();
            }
        } else {
            StderrEvents.signal(signal.getName(), true);
            Runtime.getRuntime().halt(1);
        }
    }
}
