package dev.cairn.cli;

import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunListener;
import java.util.List;

/** Several {@link RunListener}s as one, called in order. */
final class RunListeners implements RunListener {
    private final List<RunListener> listeners;

    private RunListeners(List<RunListener> listeners) {
        this.listeners = listeners;
    }

    static RunListener of(RunListener... listeners) {
        return new RunListeners(List.of(listeners));
    }

    @Override
    public void started(Claim claim) {
        listeners.forEach(l -> l.started(claim));
    }

    @Override
    public void done(Claim claim, Outcome outcome, long millis) {
        listeners.forEach(l -> l.done(claim, outcome, millis));
    }

    @Override
    public void failed(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        listeners.forEach(l -> l.failed(claim, errorClass, message, transientFailure, tries));
    }

    @Override
    public void retrying(Claim claim, Throwable cause, int tryNumber) {
        listeners.forEach(l -> l.retrying(claim, cause, tryNumber));
    }

    @Override
    public void released(Claim claim) {
        listeners.forEach(l -> l.released(claim));
    }

    @Override
    public void progress(long features) {
        for (RunListener l : listeners) {
            l.progress(features);
        }
    }
}
