package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.gateway.invoke.http1.CallControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one function-call engine over real sockets: its pool, its headers, its egress guard and its deadline. */
class FunctionEngineTest {
    private HttpServer server;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
    private final FunctionEngine engine = new FunctionEngine(EgressPolicy.allowing(List.of("127.0.0.0/8")));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            lastHeaders.set(exchange.getRequestHeaders());
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("{\"echo\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        engine.close();
        server.stop(0);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fn");
    }

    private String call(FunctionRequest request) throws IOException {
        try (FunctionResponse response = engine.send(request);
                InputStream in = response.body()) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).as("any case").hasValue("application/json");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private FunctionRequest post(
            Map<String, String> defaults, Map<String, String> registration, Map<String, String> gateway) {
        return new FunctionRequest(
                "POST",
                uri(),
                defaults,
                registration,
                gateway,
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                Duration.ofSeconds(5));
    }

    @Test
    void callsInTurnShareOneKeptAliveConnection() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertThat(call(post(Map.of(), Map.of(), Map.of()))).isEqualTo("{\"echo\":2}");
        }
        assertThat(clientPorts).as("client ports seen by the function").hasSize(1);
    }

    @Test
    void theConnectionsKeptPerEndpointAreTheEnginesSetting() throws IOException {
        try (FunctionEngine keepsNone = new FunctionEngine(
                EgressPolicy.allowing(List.of("127.0.0.0/8")), Duration.ofSeconds(5), 0, Duration.ofSeconds(30))) {
            for (int i = 0; i < 3; i++) {
                try (FunctionResponse response = keepsNone.send(post(Map.of(), Map.of(), Map.of()))) {
                    response.body().readAllBytes();
                }
                assertThat(keepsNone.idleConnections()).isZero();
            }
        }
        assertThat(clientPorts).as("a new connection per call").hasSize(3);
        call(post(Map.of(), Map.of(), Map.of()));
        assertThat(engine.idleConnections()).as("the default keeps it").isEqualTo(1);
    }

    @Test
    void headersAreAssembledDefaultsThenRegistrationThenGateway() throws IOException {
        Map<String, String> gateway = new LinkedHashMap<>();
        gateway.put("X-Request-ID", "req-1");
        gateway.put("X-Client-ID", "client-1");
        gateway.put("Mcp-Session-Id", null);
        gateway.put("X-Team", "from-the-gateway");
        call(post(
                Map.of("Accept", "text/default", "X-Default", "kept"),
                Map.of(
                        "Accept",
                        "text/registration",
                        "Authorization",
                        "Bearer fn-secret",
                        "X-Team",
                        "registration",
                        "Content-Type",
                        "text/plain"),
                gateway));
        Headers seen = lastHeaders.get();
        assertThat(seen.getFirst("Accept"))
                .as("a registration replaces a default")
                .isEqualTo("text/registration");
        assertThat(seen.getFirst("X-Default")).isEqualTo("kept");
        assertThat(seen.getFirst("Authorization")).isEqualTo("Bearer fn-secret");
        assertThat(seen.getFirst("X-Team")).as("the gateway's word is final").isEqualTo("from-the-gateway");
        assertThat(seen.get("X-Team")).hasSize(1);
        assertThat(seen.getFirst("X-Request-ID")).isEqualTo("req-1");
        assertThat(seen.getFirst("X-Client-ID")).isEqualTo("client-1");
        assertThat(seen.containsKey("Mcp-Session-Id"))
                .as("null values are not sent")
                .isFalse();
        assertThat(seen.getFirst("Content-Type")).as("the body's type is final").isEqualTo("application/json");
    }

    @Test
    void everyConnectGoesThroughTheEgressPolicy() {
        try (FunctionEngine closed = new FunctionEngine(EgressPolicy.allowing(List.of()))) {
            assertThatThrownBy(() ->
                            closed.send(post(Map.of(), Map.of(), Map.of())).close())
                    .satisfies(e -> assertThat(CallFailures.describe(e)).startsWith("function call refused:"));
        }
        assertThat(clientPorts).as("nothing reached the function").isEmpty();
    }

    @Test
    void aDeadlineEndsACallToAFunctionThatNeverAnswersOnTheCallersThread() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // reads nothing, answers nothing
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            // the deadline runs from here, so the time is measured from here too (a loaded machine starts threads late)
            long start = System.nanoTime();
            CallControl deadline = CallControl.within(Duration.ofMillis(300));
            FunctionRequest request = new FunctionRequest(
                    "GET",
                    URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    null,
                    null,
                    Duration.ofSeconds(30),
                    deadline);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    engine.send(request).close();
                    outcome.set("answered?");
                } catch (RuntimeException e) {
                    outcome.set(deadline.passed() ? Duration.ofNanos(System.nanoTime() - start) : e);
                }
                if (Thread.currentThread().isInterrupted()) {
                    outcome.set("interrupt left behind");
                }
            });
            caller.join(10_000);
            assertThat(outcome.get()).isInstanceOf(Duration.class);
            assertThat((Duration) outcome.get()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
            acceptor.interrupt();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
