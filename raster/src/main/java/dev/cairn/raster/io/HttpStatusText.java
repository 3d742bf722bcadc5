package dev.cairn.raster.io;

import java.util.Map;

/** {@code 404 Not Found}: the JDK's client does not expose the reason phrase, and users read these. */
final class HttpStatusText {
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(206, "Partial Content"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(410, "Gone"), Map.entry(412, "Precondition Failed"), Map.entry(416, "Range Not Satisfiable"),
            Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

    private HttpStatusText() {
    }

    static String of(int status) {
        String reason = REASONS.get(status);
        return reason == null ? "HTTP " + status : "HTTP " + status + " " + reason;
    }

    /** Statuses another try may cure: request timeout, throttling, and server errors but "not implemented". */
    static boolean isTransient(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }
}
