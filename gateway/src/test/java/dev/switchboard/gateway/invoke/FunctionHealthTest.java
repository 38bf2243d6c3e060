package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.registry.RegistrationValidator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health checks against a real HTTP server on loopback: a registration that declares one is probed soon after it
 * arrives, and while none declares one the health thread sleeps instead of waking to find nothing.
 */
class FunctionHealthTest {
    private final MemoryStateStore store =
            new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1));
    private final PeriodicWork work = new PeriodicWork("test-periodic-work");
    private final FunctionCatalog catalog = new FunctionCatalog(store.functions(), work);
    private final FunctionEngine engine = new FunctionEngine(EgressPolicy.allowing(List.of("127.0.0.0/8")));
    private final AtomicInteger probes = new AtomicInteger();
    private final HttpServer server;
    private FunctionHealth health;

    FunctionHealthTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            probes.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (health != null) {
            health.close();
        }
        engine.close();
        catalog.close();
        work.close();
        server.stop(0);
    }

    private void register(String name, boolean checked) throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/fn";
        String check = checked ? ",\"health_check\":{\"path\":\"/health\",\"interval\":\"1s\"}" : "";
        catalog.put(RegistrationValidator.validate(
                Json.MAPPER.readTree("{\"name\":\"" + name + "\",\"endpoint\":\"" + url + "\"" + check + "}"),
                Instant.now()));
    }

    @Test
    void sleepsWithoutHealthChecksAndWakesForTheFirstOne() throws IOException {
        catalog.start();
        register("plain", false);
        health = new FunctionHealth(catalog, engine);
        await().atMost(Duration.ofSeconds(3)).until(health::isSleeping);

        register("checked", true);
        assertThat(health.isSleeping()).as("woken by the registration").isFalse();
        await().atMost(Duration.ofSeconds(3)).until(() -> health.status("checked") == FunctionHealth.Status.HEALTHY);
        assertThat(probes.get()).isPositive();
        assertThat(health.isSleeping())
                .as("ticks go on while a check is declared")
                .isFalse();

        register("checked", false);
        await().atMost(Duration.ofSeconds(3)).until(health::isSleeping);
        assertThat(health.status("checked"))
                .as("a dropped check's state is let go")
                .isEqualTo(FunctionHealth.Status.UNCHECKED);
    }
}
