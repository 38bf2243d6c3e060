package dev.switchboard.gateway.config;

import dev.switchboard.registry.settings.GatewaySettings;
import dev.switchboard.registry.settings.Setting;
import dev.switchboard.registry.settings.SettingException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the configuration values: environment variables win over a YAML file with the same keys.
 * The file is {@code CONFIG_FILE} when set, else {@code application.yaml} in the working directory when
 * present; without either, the built-in defaults of {@link GatewayConfig} apply.
 */
public final class ConfigLoader {
    private static final Set<String> ENVIRONMENT_ONLY = GatewaySettings.ENVIRONMENT_ONLY.stream()
            .map(Setting::key)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private ConfigLoader() {}

    /**
     * @param env the process environment
     * @return the gateway configuration
     */
    public static GatewayConfig load(Map<String, String> env) {
        Map<String, String> file = fileValues(env);
        refuseUnknownKeys(file.keySet());
        // an empty environment variable counts as unset, so the file's value still applies
        return GatewayConfig.from(key -> Optional.ofNullable(env.get(key))
                .filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(file.get(key))));
    }

    /**
     * A misspelt key in the file would otherwise be ignored without a word: every key must be a setting of the
     * catalogue, and not one only read from the environment (before the file is found, or before logging starts).
     */
    private static void refuseUnknownKeys(Set<String> keys) {
        for (String key : new TreeSet<>(keys)) {
            if (ENVIRONMENT_ONLY.contains(key)) {
                throw new SettingException(
                        GatewaySettings.CONFIG_FILE.key(),
                        key + " is read from the environment only, not from the file");
            }
            if (GatewaySettings.byKey(key).isEmpty()) {
                throw new SettingException(
                        GatewaySettings.CONFIG_FILE.key(),
                        "unknown key '" + key + "' (the keys are README's configuration table)");
            }
        }
    }

    /**
     * @param env the process environment
     * @return the flattened keys of the YAML file, empty when there is none
     */
    static Map<String, String> fileValues(Map<String, String> env) {
        Optional<Path> path = Optional.ofNullable(env.get(GatewaySettings.CONFIG_FILE.key()))
                .filter(p -> !p.isBlank())
                .map(Path::of);
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw new SettingException(GatewaySettings.CONFIG_FILE.key(), "cannot read " + path.get());
        }
        Path file = path.orElse(Path.of("application.yaml"));
        if (!Files.isReadable(file)) {
            return Map.of();
        }
        try {
            Config config = Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .sources(ConfigSources.file(file))
                    .build();
            return config.asMap().orElse(Map.of());
        } catch (RuntimeException e) {
            // the parser's own exceptions (a syntax error; a list where the settings' map belongs is a
            // ClassCastException): one line naming the file, not a stack trace
            throw new SettingException(
                    GatewaySettings.CONFIG_FILE.key(),
                    file + " is not a YAML map of settings (KEY: value lines): " + innermost(e));
        }
    }

    /**
     * @return what the deepest cause says, on one line: where the parser stopped, without the file's lines it quotes
     *     (they may hold a secret)
     */
    private static String innermost(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t;
            }
        }
        if (deepest instanceof ClassCastException) {
            return "its top level is a list or a value, not KEY: value lines";
        }
        StringBuilder said = new StringBuilder();
        for (String line : String.valueOf(deepest.getMessage()).split("\n")) {
            // SnakeYAML quotes the file's line, indented, and a caret under it
            if (!line.isBlank() && !line.startsWith("    ") && !line.strip().equals("^")) {
                said.append(said.isEmpty() ? "" : " ").append(line.strip());
            }
        }
        return said.toString();
    }
}
