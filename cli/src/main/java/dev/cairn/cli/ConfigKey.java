package dev.cairn.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options whose defaults can come from a configuration file or the environment (DESIGN §6).
 * Each key is the long option name without its dashes; the YAML key is {@link #key()}, the
 * environment variable {@link #envVar()}, and the command-line flag {@link #flag()}.
 *
 * <p>The built-in defaults are declared here once, as compile-time constants, so that the
 * commands' {@code @Option(defaultValue = ...)} and {@code cairn config --show} cannot disagree.
 *
 * <p>Not configurable, on purpose: {@code -o}, {@code --fresh} (a file that silently starts every
 * job over would be a trap) and {@code --json} (scripts parse stdout and must get what they ask for).
 */
enum ConfigKey {
    TO("to", Type.TEXT, ConfigKey.DEFAULT_TO, null),
    FORMAT("format", Type.TEXT, ConfigKey.DEFAULT_FORMAT, null),
    ASSUME_CRS("assume-crs", Type.TEXT, null, "none"),
    EXPECT_CRS("expect-crs", Type.TEXT, null, "none"),
    ON_INVALID("on-invalid", Type.ON_INVALID, ConfigKey.DEFAULT_ON_INVALID, null),
    WORKERS("workers", Type.POSITIVE_INT, null, "number of cores"),
    STORE("store", Type.TEXT, null, "OUTDIR/.cairn/checkpoint.db"),
    LOG_FORMAT("log-format", Type.LOG_FORMAT, null, "auto"),
    VERBOSE("verbose", Type.BOOLEAN, "false", null),
    QUIET("quiet", Type.BOOLEAN, "false", null);

    static final String DEFAULT_TO = "EPSG:4326";
    static final String DEFAULT_FORMAT = "gpkg";
    static final String DEFAULT_ON_INVALID = "keep";

    private final String key;
    private final Type type;
    private final String defaultValue;
    private final String defaultDescription;

    ConfigKey(String key, Type type, String defaultValue, String defaultDescription) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultDescription = defaultDescription;
    }

    /** The YAML key, e.g. {@code assume-crs}. */
    String key() {
        return key;
    }

    /** The command-line flag, e.g. {@code --assume-crs}. */
    String flag() {
        return "--" + key;
    }

    /** The environment variable, e.g. {@code CAIRN_ASSUME_CRS}. */
    String envVar() {
        return "CAIRN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The built-in default as the option's text, or {@code null} when the command decides (cores, OUTDIR/.cairn, ...). */
    String defaultValue() {
        return defaultValue;
    }

    /** What the built-in default means, for {@code config --show}. */
    String defaultDescription() {
        return defaultValue != null ? defaultValue : defaultDescription;
    }

    Type type() {
        return type;
    }

    static Optional<ConfigKey> forKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    static Optional<ConfigKey> forFlag(String flag) {
        return Arrays.stream(values()).filter(k -> k.flag().equals(flag)).findFirst();
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(ConfigKey::key).toList();
    }

    /**
     * Checks a value from a file or the environment and returns it in the form the option parses.
     *
     * @throws IllegalArgumentException with what was expected, when the value is not valid
     */
    String normalise(String value) {
        return type.normalise(value.strip());
    }

    /** Value types of the configurable options, with their rule. */
    enum Type {
        TEXT("a non-empty text") {
            @Override
            String normalise(String v) {
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(expected());
                }
                return v;
            }
        },
        POSITIVE_INT("a whole number of at least 1") {
            @Override
            String normalise(String v) {
                try {
                    int n = Integer.parseInt(v);
                    if (n >= 1) {
                        return Integer.toString(n);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException(expected());
            }
        },
        BOOLEAN("true or false") {
            @Override
            String normalise(String v) {
                String s = v.toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return s;
                }
                throw new IllegalArgumentException(expected());
            }
        },
        ON_INVALID("keep, warn, fail, skip or repair") {
            @Override
            String normalise(String v) {
                String s = v.toLowerCase(Locale.ROOT);
                if (java.util.List.of("keep", "warn", "fail", "skip", "repair").contains(s)) {
                    return s;
                }
                throw new IllegalArgumentException(expected());
            }
        },
        LOG_FORMAT("auto, text or json") {
            @Override
            String normalise(String v) {
                String s = v.toLowerCase(Locale.ROOT);
                if (s.equals("auto") || s.equals("text") || s.equals("json")) {
                    return s;
                }
                throw new IllegalArgumentException(expected());
            }
        };

        private final String expected;

        Type(String expected) {
            this.expected = expected;
        }

        String expected() {
            return expected;
        }

        abstract String normalise(String value);
    }
}
