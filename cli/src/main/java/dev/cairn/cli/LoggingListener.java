package dev.cairn.cli;

import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.engine.Asset;
import dev.cairn.engine.Claim;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.RunListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each asset's end: one line per asset done, failed, retried or released. The Runner puts
 * {@code job}, {@code worker} and {@code asset} in the MDC; this adds the structured fields
 * {@code event} ({@code asset_done}, {@code asset_failed}, {@code asset_retrying},
 * {@code asset_released}), {@code duration_ms}, {@code features}, {@code error_class},
 * {@code tries} and, for an asset that is a part of a file ({@code file#layer[offset, end)}),
 * {@code chunk_offset}, as SLF4J key-value pairs (JSON fields with {@code --log-format json}).
 *
 * <p>Failures are one line without a stack trace, whatever their class: the message names the
 * file and the problem. The Runner logs stack traces at DEBUG ({@code --verbose}); an internal
 * error says so, since its message alone may not be enough to report a bug.
 */
final class LoggingListener implements RunListener {
    private final String unit;

    /** @param unit the job's unit of progress, named in the text of each done line */
    LoggingListener(String unit) {
        this.unit = unit;
    }

    private static final Logger log = LoggerFactory.getLogger("dev.cairn.run");
    private static final Pattern CHUNK_OFFSET = Pattern.compile("\\[\\s*(\\d+)\\s*,");

    private final Map<Claim, Long> startedNanos = new ConcurrentHashMap<>();

    @Override
    public void started(Claim claim) {
        startedNanos.put(claim, System.nanoTime());
    }

    @Override
    public void done(Claim claim, Outcome outcome, long millis) {
        startedNanos.remove(claim);
        fields(log.atInfo(), claim.asset())
                .addKeyValue("event", "asset_done")
                .addKeyValue("duration_ms", millis)
                .addKeyValue("features", outcome.items())
                .addKeyValue("skipped", outcome.skipped())
                .log("done {} ({} {}, {} ms)", claim.asset().id(), outcome.items(), unit, millis);
    }

    @Override
    public void failed(Claim claim, ErrorClass errorClass, String message, boolean transientFailure, int tries) {
        String hint = errorClass == ErrorClass.INTERNAL && !LogSetup.verbose()
                ? " (re-run with --verbose for the stack trace)" : "";
        fields(log.atWarn(), claim.asset())
                .addKeyValue("event", "asset_failed")
                .addKeyValue("duration_ms", elapsedMillis(startedNanos.remove(claim)))
                .addKeyValue("error_class", errorClass.key())
                .addKeyValue("transient", transientFailure)
                .addKeyValue("tries", tries)
                .log("failed [{}] {}{}", errorClass.key(), message, hint);
    }

    @Override
    public void retrying(Claim claim, Throwable cause, int tryNumber) {
        fields(log.atWarn(), claim.asset())
                .addKeyValue("event", "asset_retrying")
                .addKeyValue("tries", tryNumber - 1)
                .log("retrying {} (try {}): {}", claim.asset().id(), tryNumber, cause == null ? "" : cause.getMessage());
    }

    @Override
    public void released(Claim claim) {
        fields(log.atInfo(), claim.asset())
                .addKeyValue("event", "asset_released")
                .addKeyValue("duration_ms", elapsedMillis(startedNanos.remove(claim)))
                .log("rolled back {} (back to pending)", claim.asset().id());
    }

    private static LoggingEventBuilder fields(LoggingEventBuilder event, Asset asset) {
        Long offset = chunkOffset(asset.part());
        return offset == null ? event : event.addKeyValue("chunk_offset", offset);
    }

    /**
     * Where a chunk starts: the first fid of a GeoPackage chunk (0 for a layer's first, open-ended
     * chunk), or the offset of a part written {@code layer[offset, end)}; null for a whole file.
     */
    static Long chunkOffset(String part) {
        if (part == null) {
            return null;
        }
        try {
            Long from = ChunkSpec.parse(part).fidFrom();
            return from == null ? 0L : from;
        } catch (IllegalArgumentException notAGpkgChunk) {
            // another kind of part: fall through
        }
        Matcher m = CHUNK_OFFSET.matcher(part);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }

    private static long elapsedMillis(Long startNanos) {
        return startNanos == null ? 0 : (System.nanoTime() - startNanos) / 1_000_000;
    }
}
