package dev.cairn.cli;

import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each asset's end: one line per asset done, failed, retried or released. */
final class LoggingListener implements RunListener {
    private static final Logger log = LoggerFactory.getLogger("dev.cairn.run");

    @Override
    public void done(Claim claim, Outcome outcome, long millis) {
        log.info("done {} ({} features, {} ms)", claim.asset().id(), outcome.features(), millis);
    }

    @Override
    public void failed(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        log.warn("failed [{}] {}", errorClass.key(), message);
    }

    @Override
    public void retrying(Claim claim, Throwable cause, int tryNumber) {
        log.warn("retrying {} (try {}): {}", claim.asset().id(), tryNumber, cause == null ? "" : cause.getMessage());
    }

    @Override
    public void released(Claim claim) {
        log.info("rolled back {} (back to pending)", claim.asset().id());
    }
}
