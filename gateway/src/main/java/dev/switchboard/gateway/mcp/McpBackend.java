package dev.switchboard.gateway.mcp;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.gateway.invoke.FunctionClients;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.registry.FunctionRegistration;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.WebClient;

/** Posts client messages to MCP functions: one POST per message, as a Streamable HTTP client would. */
final class McpBackend implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final WebClient client;
    private final long maxMessageSize;
    private final ResponseBudget budget;

    /**
     * @param maxMessageSize largest message read from a function
     * @param budget         bytes of answers held at once, shared with {@code /invoke}
     * @param egress         where functions may be called
     */
    McpBackend(long maxMessageSize, ResponseBudget budget, EgressPolicy egress) {
        this.maxMessageSize = maxMessageSize;
        this.budget = budget;
        this.client = FunctionClients.builder(egress, CONNECT_TIMEOUT).build();
    }

    /**
     * @param function the registration
     * @param message  the JSON-RPC message
     * @param headers  MCP headers to send ({@code MCP-Protocol-Version}, {@code Mcp-Session-Id}, ...)
     * @param timeout  bound of the whole call (reads included)
     * @return the running call
     */
    BackendCall post(FunctionRegistration function, JsonNode message, Map<String, String> headers, Duration timeout) {
        HttpClientRequest request = client.method(Method.POST)
                .uri(function.endpoint())
                .readTimeout(timeout.plusSeconds(1))
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, "application/json, text/event-stream");
        function.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
        headers.forEach((name, value) -> {
            if (value != null) {
                request.header(HeaderNames.create(name), value);
            }
        });
        // the MCP request's span is current: the function's spans join its trace
        dev.switchboard.gateway.trace.TraceHeaders.addTo((name, value) -> request.header(HeaderNames.create(name), value));
        try {
            return BackendCall.start(request, Json.MAPPER.writeValueAsBytes(message), maxMessageSize, budget);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON-RPC message", e);
        }
    }

    /**
     * Opens a stateful function's standalone GET stream for one of its sessions.
     *
     * @param function the registration
     * @param headers  {@code Mcp-Session-Id}, {@code MCP-Protocol-Version} and the caller's identity headers
     * @param idle     how long the stream may stay silent before it is dropped (and opened again)
     * @return the function's answer; the caller reads and closes it
     */
    io.helidon.webclient.api.HttpClientResponse openStream(FunctionRegistration function, Map<String, String> headers,
                                                           Duration idle) {
        HttpClientRequest request = client.method(Method.GET)
                .uri(function.endpoint())
                .readTimeout(idle)
                .header(HeaderNames.ACCEPT, "text/event-stream");
        function.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
        headers.forEach((name, value) -> {
            if (value != null) {
                request.header(HeaderNames.create(name), value);
            }
        });
        return request.request();
    }

    /** @return the bytes of function answers held at once, shared with {@code /invoke} */
    ResponseBudget budget() {
        return budget;
    }

    /** @return how many bytes one message of a function may have */
    long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Ends a stateful function's session (best effort).
     *
     * @param function  the registration
     * @param sessionId the function's session id
     */
    void endSession(FunctionRegistration function, String sessionId) {
        try (var response = client.method(Method.DELETE).uri(function.endpoint())
                .readTimeout(CONNECT_TIMEOUT)
                .header(HeaderNames.create("Mcp-Session-Id"), sessionId)
                .request()) {
            response.status();
        } catch (RuntimeException e) {
            // the function's session expires on its own
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
