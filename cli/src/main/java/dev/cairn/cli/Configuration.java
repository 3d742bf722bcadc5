package dev.cairn.cli;

import dev.cairn.engine.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration layers below the command line (DESIGN §6), lowest first: the built-in
 * defaults ({@link ConfigKey}), the configuration file, then the {@code CAIRN_*} environment.
 * Flags win over all of them because this class is picocli's {@link CommandLine.IDefaultValueProvider}:
 * picocli asks it for a default only for options that are not on the command line.
 *
 * <p>When no layer above the built-in default has a value, {@link #defaultValue} answers
 * {@code null} and picocli falls back to the option's own {@code defaultValue}, which is the same
 * {@link ConfigKey} constant.
 *
 * <p>The file is {@code --config FILE} when given, else {@code CAIRN_CONFIG}, else
 * {@code cairn.yaml} in the working directory when it exists. Everything is read and checked in
 * {@link #load}, before any command runs, so a bad file or variable exits 2 before any I/O on
 * OUTDIR. Immutable after loading.
 */
final class Configuration implements CommandLine.IDefaultValueProvider {
    static final String DEFAULT_FILE = "cairn.yaml";
    static final String CONFIG_ENV = "CAIRN_CONFIG";

    private final ConfigFile file;
    private final Map<ConfigKey, String> environment;

    private Configuration(ConfigFile file, Map<ConfigKey, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    /** Where an effective value came from, as {@code config --show} prints it. */
    record Setting(String value, String source) {
    }

    /** Built-in defaults only: no file, no environment. */
    static Configuration builtIn() {
        return new Configuration(null, new EnumMap<>(ConfigKey.class));
    }

    /**
     * Reads the configuration file and the {@code CAIRN_*} variables.
     *
     * @param args the command line, pre-scanned for {@code --config FILE} / {@code --config=FILE}
     * @param env the environment ({@link System#getenv()} outside tests)
     * @param workDir where a relative {@code --config} and the default {@code cairn.yaml} are looked up
     * @throws CliException (exit 2) naming the file and line, or the variable, of a bad value
     */
    static Configuration load(String[] args, Map<String, String> env, Path workDir) {
        ConfigFile file = null;
        String named = configArgument(args).orElse(blankToNull(env.get(CONFIG_ENV)));
        if (named != null) {
            Path path = workDir.resolve(named);
            if (!Files.exists(path)) {
                String via = configArgument(args).isPresent() ? "--config " : CONFIG_ENV + "=";
                throw new CliException(RunReport.USAGE, via + named + ": configuration file not found.");
            }
            file = ConfigFile.read(path, named);
        } else if (Files.isRegularFile(workDir.resolve(DEFAULT_FILE))) {
            file = ConfigFile.read(workDir.resolve(DEFAULT_FILE), DEFAULT_FILE);
        }
        return new Configuration(file, environment(env));
    }

    private static Map<ConfigKey, String> environment(Map<String, String> env) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            String raw = blankToNull(env.get(key.envVar()));
            if (raw == null) {
                continue;
            }
            try {
                values.put(key, key.normalise(raw));
            } catch (IllegalArgumentException e) {
                throw new CliException(RunReport.USAGE, "environment variable " + key.envVar() + "=" + raw
                        + ": bad value (expected " + e.getMessage() + "); fix or unset it.");
            }
        }
        return values;
    }

    /**
     * The value of {@code --config} on the command line, if any. Stops at {@code --}; a
     * {@code --config} without a value is left for picocli to report.
     */
    static Optional<String> configArgument(String[] args) {
        return flagValue(args, "--config");
    }

    /**
     * The value of {@code flag} on the command line ({@code --flag VALUE} or {@code --flag=VALUE}),
     * if any, read before picocli parses it. Stops at {@code --}; a flag without a value is left
     * for picocli to report.
     */
    static Optional<String> flagValue(String[] args, String flag) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith(flag + "=")) {
                return Optional.of(a.substring(flag.length() + 1));
            }
            if (a.equals(flag) && i + 1 < args.length) {
                return Optional.of(args[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** The configuration file in use, as the user named it, if any. */
    Optional<String> fileName() {
        return Optional.ofNullable(file).map(ConfigFile::name);
    }

    /** The effective value of {@code key} below the command line, and its source. */
    Setting effective(ConfigKey key) {
        String env = environment.get(key);
        if (env != null) {
            return new Setting(env, "environment " + key.envVar());
        }
        if (file != null && file.entries().containsKey(key)) {
            ConfigFile.Entry e = file.entries().get(key);
            return new Setting(e.value(), file.name() + ":" + e.line());
        }
        return new Setting(key.defaultValue(), "default");
    }

    /**
     * How a message should name where an option's value came from: the flag ({@code --to}) when
     * it was on the command line or nothing configured it, else the layer and key
     * ({@code cairn.yaml:2: to}, {@code environment CAIRN_TO: to}).
     */
    static String origin(CommandSpec spec, ConfigKey key) {
        OptionSpec option = spec.findOption(key.flag());
        CommandLine.ParseResult parsed = spec.commandLine() == null ? null : spec.commandLine().getParseResult();
        boolean onCommandLine = option != null && parsed != null && parsed.hasMatchedOption(option);
        if (onCommandLine || !(spec.defaultValueProvider() instanceof Configuration config)) {
            return key.flag();
        }
        Setting s = config.effective(key);
        return s.source().equals("default") ? key.flag() : s.source() + ": " + key.key();
    }

    /** The value from the file or the environment, or {@code null} to let the option's built-in default apply. */
    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        return ConfigKey.forFlag(option.longestName())
                .map(this::effective)
                .filter(s -> !s.source().equals("default"))
                .map(Setting::value)
                .orElse(null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
