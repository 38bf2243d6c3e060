package dev.switchboard.operator;

import dev.switchboard.registry.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, from the environment.
 *
 * @param watchNamespaces namespaces to watch; empty means all ({@code WATCH_NAMESPACES}, comma-separated)
 * @param podNamespace    the operator's own namespace, where its leader-election Lease lives
 *                        ({@code POD_NAMESPACE}); without it leader election is off (local runs)
 * @param httpPort        port of {@code /healthz}, {@code /readyz} and {@code /metrics} ({@code OPERATOR_PORT})
 * @param sweepInterval   time between sweeps of registrations whose resource is gone ({@code SWEEP_INTERVAL})
 */
public record OperatorSettings(
        Set<String> watchNamespaces, Optional<String> podNamespace, int httpPort, Duration sweepInterval) {
    /** Name of the leader-election Lease. */
    public static final String LEASE_NAME = "switchboard-operator";

    /**
     * @param env the process environment
     * @return the settings
     * @throws IllegalArgumentException naming the variable at fault
     */
    public static OperatorSettings from(Map<String, String> env) {
        Set<String> namespaces = Arrays.stream(
                        env.getOrDefault("WATCH_NAMESPACES", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        for (String ns : namespaces) {
            if (!ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new IllegalArgumentException("WATCH_NAMESPACES: '" + ns + "' is not a namespace name");
            }
        }
        Optional<String> podNamespace =
                Optional.ofNullable(env.get("POD_NAMESPACE")).filter(s -> !s.isBlank());
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("OPERATOR_PORT", "8080").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("OPERATOR_PORT: not a port number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("OPERATOR_PORT: must be between 0 and 65535");
        }
        Duration sweep;
        try {
            sweep = Durations.parse(env.getOrDefault("SWEEP_INTERVAL", "1m").trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SWEEP_INTERVAL: " + e.getMessage());
        }
        if (sweep.compareTo(Duration.ofSeconds(1)) < 0 || sweep.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("SWEEP_INTERVAL: must be between 1s and 24h");
        }
        return new OperatorSettings(namespaces, podNamespace, port, sweep);
    }
}
