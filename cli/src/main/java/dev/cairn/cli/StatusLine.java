package dev.cairn.cli;

import java.io.PrintStream;

/**
 * The last line of the terminal on stderr, kept for the progress bar. Everything written to
 * stderr while the bar is shown must go through here: a log line is printed above the bar (the
 * bar's line is cleared, the text printed, the bar redrawn below it), so that logs and the bar
 * never garble each other. Uses only a carriage return and "erase to end of line" ({@code ESC[K}),
 * which every terminal emulator understands; no cursor movement between lines.
 *
 * <p>Thread-safe: every method holds the instance lock while it writes.
 */
final class StatusLine {
    /** The one status line of this process, on {@code System.err}. */
    static final StatusLine STDERR = new StatusLine(System.err);

    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintStream out;
    private String shown;

    StatusLine(PrintStream out) {
        this.out = out;
    }

    /** Shows {@code line} as the status line, replacing the previous one. */
    synchronized void draw(String line) {
        out.print(CLEAR_LINE + line);
        out.flush();
        shown = line;
    }

    /** Prints {@code text} (which should end with a line break) above the status line, if one is shown. */
    synchronized void printAbove(String text) {
        if (shown == null) {
            out.print(text);
        } else {
            out.print(CLEAR_LINE + text + shown);
        }
        out.flush();
    }

    /** Prints one line above the status line. */
    void println(String line) {
        printAbove(line + System.lineSeparator());
    }

    /** Leaves the status line as it is on screen and moves below it; later output starts on a fresh line. */
    synchronized void finish() {
        if (shown != null) {
            out.println();
            out.flush();
            shown = null;
        }
    }
}
