package dev.switchboard.gateway.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a gateway a test starts in its own JVM: loopback, ports the system picks, a short shutdown grace,
 * and the test's own settings after them. Written once so that a test's settings say only what it is about.
 */
public final class TestGateways {
    /** Loopback, ephemeral public and admin ports, one second to drain at stop. */
    private static final Map<String, String> LOCAL =
            Map.of("HOST", "127.0.0.1", "PORT", "0", "ADMIN_PORT", "0", "SHUTDOWN_GRACE", "1s");

    private TestGateways() {}

    /**
     * @param settings the test's own settings, as name, value, name, value...; a name of the local ones replaces its
     *                 value
     * @return the local settings with the test's; unmodifiable
     * @throws IllegalArgumentException for an odd count, or a name given twice
     */
    public static Map<String, String> local(String... settings) {
        return with(LOCAL, settings);
    }

    /**
     * @param settings as for {@link #local(String...)}
     * @return {@link #local(String...)} allowed to call functions on loopback ({@code FUNCTION_ALLOWED_NETWORKS}),
     *     where the tests' functions listen
     */
    public static Map<String, String> callingLoopback(String... settings) {
        Map<String, String> base = new LinkedHashMap<>(LOCAL);
        base.put("FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8");
        return with(base, settings);
    }

    private static Map<String, String> with(Map<String, String> base, String... settings) {
        if (settings.length % 2 != 0) {
            throw new IllegalArgumentException("settings come as name, value pairs: " + settings.length + " strings");
        }
        Map<String, String> own = new LinkedHashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            if (own.put(settings[i], settings[i + 1]) != null) {
                throw new IllegalArgumentException("setting given twice: " + settings[i]);
            }
        }
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(own);
        return Collections.unmodifiableMap(all);
    }
}
