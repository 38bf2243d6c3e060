package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.RetryPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole call, retries and their back-off included, ends at its timeout. */
class FunctionInvokerTest {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final FunctionEngine engine = new FunctionEngine(EgressPolicy.allowing(List.of("127.0.0.0/8")));
    private final FunctionInvoker invoker = new FunctionInvoker(1 << 20, engine);
    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        engine.close();
    }

    private FunctionRegistration unavailable(RetryPolicy retry) {
        return registration("unavailable", "/", "GET", retry);
    }

    private FunctionRegistration registration(String name, String path, String method, RetryPolicy retry) {
        return new FunctionRegistration(
                name,
                FunctionKind.HTTP,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                method,
                Duration.ofSeconds(30),
                Map.of(),
                "",
                Optional.empty(),
                0,
                retry,
                ClientAuth.NONE,
                Optional.empty(),
                Instant.EPOCH,
                Instant.EPOCH,
                1);
    }

    @Test
    void aBackOffLongerThanWhatIsLeftEndsTheCallAtItsTimeout() {
        FunctionRegistration function = unavailable(new RetryPolicy(3, Duration.ofSeconds(10)));
        long start = System.nanoTime();
        InvocationResult result;
        try (ResponseBudget.Reservation bytes = new ResponseBudget(1 << 20).open()) {
            result = invoker.invoke(function, EMPTY_OBJECT, "r-1", Map.of(), Duration.ofMillis(400), bytes);
        }
        assertThat(result.outcome()).isEqualTo(InvocationResult.Outcome.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(350), Duration.ofSeconds(3));
        assertThat(calls.get()).as("no attempt after the deadline").isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void retriesWithinTheTimeoutStillHappen() {
        FunctionRegistration function = unavailable(new RetryPolicy(2, Duration.ofMillis(20)));
        InvocationResult result;
        try (ResponseBudget.Reservation bytes = new ResponseBudget(1 << 20).open()) {
            result = invoker.invoke(function, EMPTY_OBJECT, "r-2", Map.of(), Duration.ofSeconds(5), bytes);
        }
        assertThat(result.outcome()).isEqualTo(InvocationResult.Outcome.EXECUTION_ERROR);
        assertThat(result.functionStatus()).isEqualTo(503);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void anAnswerBeyondTheReadersLimitsIsNamedByTheLimitNotByTheParser() {
        String deep = "[".repeat(300) + "]".repeat(300);
        server.createContext("/deep", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = deep.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        FunctionRegistration function = registration("deep", "/deep", "POST", RetryPolicy.NONE);
        InvocationResult result;
        try (ResponseBudget.Reservation bytes = new ResponseBudget(1 << 20).open()) {
            result = invoker.invoke(function, EMPTY_OBJECT, "r-3", Map.of(), Duration.ofSeconds(5), bytes);
        }
        assertThat(result.outcome()).isEqualTo(InvocationResult.Outcome.EXECUTION_ERROR);
        assertThat(result.error())
                .isEqualTo("function answered JSON nested deeper than 256 levels, more than the gateway reads")
                .doesNotContain("StreamReadConstraints");
    }
}
