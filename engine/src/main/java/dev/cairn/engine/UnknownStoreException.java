package dev.cairn.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * No checkpoint store plug-in of this build accepts a store URL: its scheme is unknown (a
 * PostgreSQL URL before a PostgreSQL store exists), or the default store is missing from the
 * class path. A configuration error, raised before any I/O; never transient.
 */
public final class UnknownStoreException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** A URI scheme of two letters or more (one letter is a Windows drive). */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):");

    private final String url;
    private final List<String> schemes;

    public UnknownStoreException(String url, List<String> schemes) {
        super(message(url, schemes), null, false);
        this.url = url;
        this.schemes = List.copyOf(schemes);
    }

    /** The URL no store accepted. */
    public String url() {
        return url;
    }

    /** The schemes of the store plug-ins this build has (empty when it has none). */
    public List<String> schemes() {
        return schemes;
    }

    private static String message(String url, List<String> schemes) {
        if (schemes.isEmpty()) {
            return "Checkpoint store " + url + ": this build of cairn has no checkpoint store plug-in;"
                    + " put cairn-store-sqlite (or another store) on the class path.";
        }
        Matcher scheme = SCHEME.matcher(url);
        String what = scheme.lookingAt()
                ? "this build of cairn has no checkpoint store for scheme '" + scheme.group(1) + "'"
                : "no checkpoint store of this build of cairn accepts it";
        return "Checkpoint store " + url + ": " + what + " (the schemes available are: "
                + String.join(", ", schemes) + ").";
    }
}
