package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.engine.RunReport;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads a {@code cairn.yaml}: one flat mapping from option names (without dashes) to single
 * values, for example
 *
 * <pre>
 * to: EPSG:3857
 * workers: 4
 * log-format: json
 * </pre>
 *
 * <p>Every problem is a {@link CliException} with exit code 2 whose message starts with
 * {@code FILE:LINE:} (the line from Jackson's token locations): malformed YAML, a top level that
 * is not a mapping, an unknown or repeated key, a list or mapping where one value belongs, and a
 * value its option would refuse. An empty file is an empty configuration. A key with no value
 * ({@code store:}) is treated as absent.
 */
final class ConfigFile {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final String name;
    private final Map<ConfigKey, Entry> entries;

    private ConfigFile(String name, Map<ConfigKey, Entry> entries) {
        this.name = name;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** A value read from the file, with the line it is on. */
    record Entry(String value, int line) {
    }

    /** The file as the user named it (used in every message). */
    String name() {
        return name;
    }

    Map<ConfigKey, Entry> entries() {
        return entries;
    }

    /**
     * Reads and checks {@code file}; {@code name} is how messages refer to it.
     *
     * @throws CliException (exit 2) when the file is missing, unreadable or invalid
     */
    static ConfigFile read(Path file, String name) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, name);
        } catch (NoSuchFileException e) {
            throw new CliException(RunReport.USAGE, name + ": configuration file not found.");
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw error(name, line, "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("").strip());
        } catch (IOException e) {
            throw new CliException(RunReport.USAGE, name + ": cannot read the configuration file: " + e.getMessage());
        }
    }

    static ConfigFile parse(Reader reader, String name) throws IOException {
        Map<ConfigKey, Entry> entries = new EnumMap<>(ConfigKey.class);
        try (JsonParser p = YAML.createParser(reader)) {
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return new ConfigFile(name, entries);
            }
            if (first != JsonToken.START_OBJECT) {
                throw error(name, line(p), "expected 'key: value' lines (one per option, e.g. 'workers: 4'), found " + describe(first));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int line = line(p);
                ConfigKey key = ConfigKey.forKey(field).orElseThrow(() -> error(name, line, unknownKey(field)));
                if (entries.containsKey(key)) {
                    throw error(name, line, "key '" + field + "' is repeated (first on line " + entries.get(key).line() + ")");
                }
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                    throw error(name, line(p), "'" + field + "' takes a single value (" + key.type().expected() + "), found " + describe(t));
                }
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                String text = p.getText();
                try {
                    entries.put(key, new Entry(key.normalise(text), line(p)));
                } catch (IllegalArgumentException e) {
                    throw error(name, line(p), "bad value for '" + field + "': '" + text + "' (expected " + e.getMessage() + ")");
                }
            }
        }
        return new ConfigFile(name, entries);
    }

    private static String unknownKey(String field) {
        StringBuilder sb = new StringBuilder("unknown key '").append(field).append("'");
        ConfigKey.forKey(closest(field)).ifPresent(k -> sb.append(", did you mean '").append(k.key()).append("'?"));
        return sb.append(" (known: ").append(String.join(", ", ConfigKey.keys())).append(")").toString();
    }

    /** The known key nearest to a misspelling, if it is near enough to be a typo. */
    private static String closest(String field) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : ConfigKey.keys()) {
            int d = distance(field, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(1, field.length() / 3) ? best : "";
    }

    /** Optimal string alignment distance (Levenshtein plus transpositions). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            default -> "a single value";
        };
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static CliException error(String name, int line, String message) {
        return new CliException(RunReport.USAGE, (line > 0 ? name + ":" + line : name) + ": " + message);
    }
}
