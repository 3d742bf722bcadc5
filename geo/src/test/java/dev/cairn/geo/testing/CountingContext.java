package dev.cairn.geo.testing;

import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.engine.ProcessContext;

/** A ProcessContext for tests: never stops (subclass to stop) and counts the progress reported. */
public class CountingContext implements ProcessContext {
    public final AtomicLong progress = new AtomicLong();

    @Override
    public String workerId() {
        return "test";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public boolean stopRequested() {
        return false;
    }

    @Override
    public void progress(long features) {
        progress.addAndGet(features);
    }
}
