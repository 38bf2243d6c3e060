package dev.switchboard.operator;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

import dev.switchboard.operator.function.RedisRegistries;
import dev.switchboard.operator.function.ServerlessFunctionReconciler;
import dev.switchboard.operator.gateway.SseGatewayReconciler;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Runs the Switchboard operator: both reconcilers, leader election when several replicas run, JOSDK
 * metrics in Prometheus form, and the probe endpoints.
 */
public final class OperatorMain {
    private static final Logger LOGGER = Logger.getLogger(OperatorMain.class.getName());
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private OperatorMain() {
    }

    /**
     * @param args ignored: configuration comes from the environment
     * @throws IOException when the probe port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        OperatorSettings settings;
        try {
            settings = OperatorSettings.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard-operator: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Operator operator = new Operator(o -> {
            o.withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            // several operator replicas: one reconciles, the others wait for the Lease
            settings.podNamespace().ifPresent(ns -> o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, ns)));
        });
        RedisRegistries registries = new RedisRegistries(REDIS_COMMAND_TIMEOUT, Clock.systemUTC());
        register(operator, new SseGatewayReconciler(), settings);
        register(operator, new ServerlessFunctionReconciler(registries, Clock.systemUTC()), settings);

        OperatorHttpServer http = new OperatorHttpServer(settings.httpPort(), () -> true,
                () -> operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                registry::scrape);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.stop();
            registries.close();
            http.close();
            stopped.countDown();
        }, "switchboard-operator-shutdown"));
        operator.start();
        LOGGER.info(() -> "Switchboard operator started; watching "
                + (settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces())
                + ", leader election " + (settings.podNamespace().isPresent() ? "on" : "off")
                + ", probes and metrics on port " + http.port());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <P extends io.fabric8.kubernetes.api.model.HasMetadata> void register(
            Operator operator, Reconciler<P> reconciler, OperatorSettings settings) {
        if (settings.watchNamespaces().isEmpty()) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, c -> c.settingNamespaces(settings.watchNamespaces()));
        }
    }
}
