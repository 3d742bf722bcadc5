package dev.cairn.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.Charset;

/** Writes log events to stderr through the {@link StatusLine}, above the progress bar when one is shown. */
final class StatusLineAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final StatusLine line;
    private final Encoder<ILoggingEvent> encoder;

    StatusLineAppender(StatusLine line, Encoder<ILoggingEvent> encoder) {
        this.line = line;
        this.encoder = encoder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        line.printAbove(new String(encoder.encode(event), Charset.defaultCharset()));
    }
}
