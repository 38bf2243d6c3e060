package dev.switchboard.gateway;

import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.trace.GatewayTracing;
import dev.switchboard.registry.StoreUnavailableException;
import dev.switchboard.registry.settings.GatewaySettings;
import io.helidon.logging.common.LogConfig;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.logging.Level;

/** Starts a gateway from the environment (and {@code application.yaml}); stops it cleanly on SIGTERM. */
public final class Main {
    private Main() {}

    /**
     * @param args ignored: configuration comes from the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        GatewayConfig config;
        GatewayTracing tracing;
        try {
            LogFormat.apply(java.util.Optional.ofNullable(System.getenv(GatewaySettings.LOG_FORMAT.key())));
            config = ConfigLoader.load(System.getenv());
            tracing = GatewayTracing.fromEnvironment(System.getenv(), config.replicaId());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config, tracing);
        } catch (StoreUnavailableException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            // settings only checkable at start, such as ADMIN_TOKEN_FILE's contents
            System.err.println("switchboard: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (ListenerUnavailableException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // whatever else stops the start: exit, rather than leave a JVM whose pools keep it alive unserving
            System.err.println("switchboard: cannot start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // not through the log's handlers: java.util.logging's own shutdown hook runs beside this one and closes them,
        // so the gateway's log lines about its stop are lost; these keep the log's format (LOG_FORMAT=json too)
        BiConsumer<Level, String> report = LogFormat.direct(Main.class.getName());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            report.accept(
                                    Level.INFO,
                                    "switchboard: stopping: streams end with a reconnect hint; calls in flight get up "
                                            + "to SHUTDOWN_GRACE (" + config.shutdownGrace() + ") to finish");
                            Gateway.Stopped stop = gateway.stop();
                            if (stop.callsCutShort() > 0) {
                                report.accept(
                                        Level.WARNING,
                                        "switchboard: stopped in " + stop.took().toMillis() + " ms; "
                                                + stop.callsCutShort()
                                                + " calls still in flight at SHUTDOWN_GRACE were cut short");
                            } else {
                                report.accept(
                                        Level.INFO,
                                        "switchboard: stopped in " + stop.took().toMillis() + " ms");
                            }
                            stopped.countDown();
                        },
                        "switchboard-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
