package dev.switchboard.operator;

import dev.switchboard.operator.function.RedisRegistries;
import dev.switchboard.operator.function.RegistrationSweeper;
import dev.switchboard.operator.function.ServerlessFunctionReconciler;
import dev.switchboard.operator.gateway.SseGatewayReconciler;
import dev.switchboard.operator.model.ServerlessFunction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as a process runs it: both reconcilers, leader election when several replicas run, JOSDK metrics
 * in Prometheus form, the probe endpoints and the periodic sweep of registrations whose resource is gone.
 * {@link OperatorMain} starts one from the environment; tests start one against a test API server.
 */
public final class RunningOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningOperator.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RECONCILE_TERMINATION = Duration.ofSeconds(5);

    private final Operator operator;
    private final RedisRegistries registries;
    private final OperatorHttpServer http;
    private final ScheduledExecutorService sweeps;

    private RunningOperator(
            Operator operator, RedisRegistries registries, OperatorHttpServer http, ScheduledExecutorService sweeps) {
        this.operator = operator;
        this.registries = registries;
        this.http = http;
        this.sweeps = sweeps;
    }

    /**
     * @param settings  the configuration
     * @param overrides further JOSDK settings (a test's client); applied last
     * @return the started operator
     * @throws IOException when the probe port cannot be bound
     * @throws RuntimeException when the operator cannot start (no API server, CRDs or permissions missing);
     *                          whatever was started is stopped again
     */
    public static RunningOperator start(OperatorSettings settings, Consumer<ConfigurationServiceOverrider> overrides)
            throws IOException {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Operator operator = new Operator(o -> {
            o.withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics));
            // SIGTERM: reconciles in flight get this long, inside OperatorMain's bound on stopping
            o.withReconciliationTerminationTimeout(RECONCILE_TERMINATION);
            // several operator replicas: one reconciles, the others wait for the Lease
            settings.podNamespace()
                    .ifPresent(ns -> o.withLeaderElectionConfiguration(
                            new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, ns)));
            overrides.accept(o);
        });
        RedisRegistries registries = new RedisRegistries(REDIS_COMMAND_TIMEOUT, Clock.systemUTC());
        register(operator, new SseGatewayReconciler(), settings);
        register(operator, new ServerlessFunctionReconciler(registries, Clock.systemUTC()), settings);
        // Live and ready mean the same: started, and every informer running, synced and watching. Before the
        // start completes the chart's startupProbe waits; an informer that cannot watch for longer than the
        // liveness probe tolerates gets the pod restarted instead of a process that looks up and does nothing.
        java.util.function.BooleanSupplier healthy =
                () -> operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
        OperatorHttpServer http = new OperatorHttpServer(settings.httpPort(), healthy, healthy, metrics::scrape);
        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-registration-sweep");
            t.setDaemon(true);
            return t;
        });
        RunningOperator running = new RunningOperator(operator, registries, http, sweeps);
        try {
            operator.start();
        } catch (RuntimeException e) {
            // nothing may keep the JVM up after a failed start (the probe server's thread did)
            running.closeQuietly();
            throw e;
        }
        RegistrationSweeper sweeper = new RegistrationSweeper(
                registries,
                watched(settings.watchNamespaces()),
                namespaces -> functions(operator.getKubernetesClient(), namespaces));
        long every = settings.sweepInterval().toMillis();
        sweeps.scheduleWithFixedDelay(() -> sweep(sweeper), every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "Switchboard operator started; watching {}, leader election {}, probes and metrics on port {}",
                settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(),
                settings.podNamespace().isPresent() ? "on" : "off",
                http.port());
        return running;
    }

    /** @return the port of the probes and metrics */
    public int httpPort() {
        return http.port();
    }

    private static void sweep(RegistrationSweeper sweeper) {
        try {
            int removed = sweeper.sweep();
            if (removed > 0) {
                LOG.info("Sweep removed {} registration(s) whose resource is gone", removed);
            }
        } catch (RuntimeException e) {
            // the API server or a Redis did not answer: nothing was removed on a guess, the next sweep retries
            LOG.warn("Registration sweep failed: {}", e.toString());
        }
    }

    private static java.util.function.Predicate<String> watched(Set<String> namespaces) {
        return namespaces.isEmpty() ? ns -> true : namespaces::contains;
    }

    private static List<ServerlessFunction> functions(KubernetesClient client, Set<String> namespaces) {
        List<ServerlessFunction> all = new ArrayList<>();
        for (String namespace : namespaces) {
            all.addAll(client.resources(ServerlessFunction.class)
                    .inNamespace(namespace)
                    .list()
                    .getItems());
        }
        return all;
    }

    private static <P extends HasMetadata> void register(
            Operator operator, Reconciler<P> reconciler, OperatorSettings settings) {
        if (settings.watchNamespaces().isEmpty()) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, c -> c.settingNamespaces(settings.watchNamespaces()));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.debug("Stopping a half-started operator: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeps.shutdownNow();
        try {
            operator.stop();
        } finally {
            registries.close();
            http.close();
        }
    }
}
