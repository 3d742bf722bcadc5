package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.engine.AssetState;
import java.util.LinkedHashMap;
import java.util.Map;

/** One-line JSON output for {@code --json}. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise summary", e);
        }
    }

    static Map<String, Long> counts(Map<AssetState, Long> counts) {
        Map<String, Long> m = new LinkedHashMap<>();
        long total = 0;
        for (AssetState s : AssetState.values()) {
            long n = counts.getOrDefault(s, 0L);
            m.put(s.key(), n);
            total += n;
        }
        m.put("total", total);
        return m;
    }
}
