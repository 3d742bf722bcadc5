package dev.cairn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn config --show}: every configurable option's effective value and the layer it came
 * from. Takes the same configurable flags as {@code convert}, so that a command line can be
 * previewed as a whole: {@code cairn config --show --workers 2} reports {@code flag --workers}.
 */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show the effective configuration and where each value comes from.",
                "Precedence, lowest first: built-in defaults < cairn.yaml in the working directory (or --config FILE,"
                        + " or CAIRN_CONFIG) < CAIRN_* environment variables < command-line flags.",
                "Keys (YAML key / environment variable): to / CAIRN_TO, format / CAIRN_FORMAT, assume-crs / CAIRN_ASSUME_CRS,"
                        + " expect-crs / CAIRN_EXPECT_CRS, on-invalid / CAIRN_ON_INVALID,"
                        + " workers / CAIRN_WORKERS, store / CAIRN_STORE, log-format / CAIRN_LOG_FORMAT,"
                        + " verbose / CAIRN_VERBOSE, quiet / CAIRN_QUIET."})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Option(names = "--show", description = "Print each effective value and its source (what 'cairn config' does anyway).")
    boolean show;

    @Option(names = "--json", description = "Print one JSON object: {key: {value, source}}.")
    boolean json;

    @Option(names = "--to", paramLabel = "CRS", description = "As for convert: shown with source 'flag --to'.")
    String to;

    @Option(names = "--format", paramLabel = "FORMAT", description = "As for convert.")
    String format;

    @Option(names = "--assume-crs", paramLabel = "CRS", description = "As for convert.")
    String assumeCrs;

    @Option(names = "--expect-crs", paramLabel = "CRS", description = "As for convert.")
    String expectCrs;

    @Option(names = "--on-invalid", paramLabel = "POLICY", description = "As for convert.")
    String onInvalid;

    @Option(names = "--workers", paramLabel = "N", description = "As for convert.")
    Integer workers;

    @Option(names = "--store", paramLabel = "PATH", description = "As for convert.")
    String store;

    @Override
    public Integer call() {
        Configuration config = spec.defaultValueProvider() instanceof Configuration c ? c : Configuration.builtIn();
        Map<ConfigKey, Configuration.Setting> settings = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            settings.put(key, effective(config, key));
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            settings.forEach((key, s) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("value", typed(key, s.value()));
                entry.put("source", s.source());
                out.put(key.key(), entry);
            });
            System.out.println(Json.line(out));
            return 0;
        }
        System.out.println("configuration file: " + config.fileName().orElse(
                "none (no ./" + Configuration.DEFAULT_FILE + "; name one with --config FILE or " + Configuration.CONFIG_ENV + ")"));
        int width = ConfigKey.keys().stream().mapToInt(String::length).max().orElse(0);
        settings.forEach((key, s) -> System.out.printf("%-" + width + "s = %s  (%s)%n", key.key(), shown(key, s), s.source()));
        return 0;
    }

    /** A flag on this command line wins; otherwise the layers below it decide. */
    private Configuration.Setting effective(Configuration config, ConfigKey key) {
        OptionSpec option = spec.findOption(key.flag());
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (option != null && parsed != null && parsed.hasMatchedOption(option)) {
            Object value = option.getValue();
            return new Configuration.Setting(value == null ? null : String.valueOf(value), "flag " + key.flag());
        }
        Configuration.Setting s = config.effective(key);
        if (key == ConfigKey.WORKERS && s.value() == null) {
            return new Configuration.Setting(Integer.toString(Runtime.getRuntime().availableProcessors()),
                    "default: " + key.defaultDescription());
        }
        return s;
    }

    private static String shown(ConfigKey key, Configuration.Setting s) {
        return s.value() != null ? s.value() : key.defaultDescription();
    }

    private static Object typed(ConfigKey key, String value) {
        if (value == null) {
            return key == ConfigKey.LOG_FORMAT ? key.defaultDescription() : null;
        }
        return switch (key.type()) {
            case POSITIVE_INT -> parseIntOrText(value);
            case BOOLEAN -> Boolean.parseBoolean(value);
            default -> value;
        };
    }

    private static Object parseIntOrText(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return value;
        }
    }
}
