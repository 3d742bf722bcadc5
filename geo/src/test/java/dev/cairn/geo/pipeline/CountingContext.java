package dev.cairn.geo.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.engine.ProcessContext;

/** A context that never stops and counts the progress reported. */
final class CountingContext implements ProcessContext {
    final AtomicLong progress = new AtomicLong();

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
