package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.invoke.FunctionRequest;
import dev.switchboard.gateway.invoke.FunctionResponse;
import dev.switchboard.gateway.invoke.FunctionSender;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.invoke.http1.CallControl;
import dev.switchboard.registry.FunctionRegistration;
import java.time.Duration;
import java.util.Map;

/**
 * Posts client messages to MCP functions: one POST per message, as a Streamable HTTP client would; opens
 * stateful functions' GET streams and ends their sessions. Every request goes through the gateway's one
 * {@link FunctionEngine}, which assembles its headers.
 */
final class McpBackend {
    private static final Duration END_SESSION_TIMEOUT = Duration.ofSeconds(5);
    /** Overridable by a registration's headers, as before the engine. */
    private static final Map<String, String> POST_DEFAULTS =
            Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream");

    private static final Map<String, String> STREAM_DEFAULTS = Map.of("Accept", "text/event-stream");

    private final FunctionSender engine;
    private final long maxMessageSize;
    private final ResponseBudget budget;

    /**
     * @param maxMessageSize largest message read from a function
     * @param budget         bytes of answers held at once, shared with {@code /invoke}
     * @param engine         the function-call engine (a stand-in in unit tests)
     */
    McpBackend(long maxMessageSize, ResponseBudget budget, FunctionSender engine) {
        this.maxMessageSize = maxMessageSize;
        this.budget = budget;
        this.engine = engine;
    }

    /**
     * @param function the registration
     * @param message  the JSON-RPC message
     * @param headers  MCP headers to send ({@code MCP-Protocol-Version}, {@code Mcp-Session-Id}, ...)
     * @param timeout  bound of the whole call (reads included)
     * @return the running call
     */
    BackendCall post(FunctionRegistration function, JsonNode message, Map<String, String> headers, Duration timeout) {
        return post(function, Json.bytes(message), headers, timeout, CallControl.within(timeout));
    }

    /**
     * @param function the registration
     * @param body     the JSON-RPC message's text
     * @param headers  MCP headers to send
     * @param timeout  bound of the whole call, as {@code control}'s deadline
     * @param control  the call's deadline, idle action (heartbeats) and cancellation
     * @return the call, sent by its first read
     */
    BackendCall post(
            FunctionRegistration function,
            byte[] body,
            Map<String, String> headers,
            Duration timeout,
            CallControl control) {
        FunctionRequest request = new FunctionRequest(
                "POST",
                function.endpoint(),
                POST_DEFAULTS,
                function.headers(),
                headers,
                body,
                null,
                timeout.plusSeconds(1),
                control);
        return BackendCall.start(engine, request, maxMessageSize, budget);
    }

    /**
     * Opens a stateful function's standalone GET stream for one of its sessions.
     *
     * @param function the registration
     * @param headers  {@code Mcp-Session-Id}, {@code MCP-Protocol-Version} and the caller's identity headers
     * @param idle     how long the stream may stay silent before it is dropped (and opened again)
     * @return the function's answer; the caller reads and closes it
     */
    FunctionResponse openStream(FunctionRegistration function, Map<String, String> headers, Duration idle) {
        return engine.send(new FunctionRequest(
                "GET", function.endpoint(), STREAM_DEFAULTS, function.headers(), headers, null, null, idle));
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
        // as before the engine: the session id alone, not the registration's headers
        FunctionRequest request = new FunctionRequest(
                "DELETE",
                function.endpoint(),
                Map.of(),
                Map.of(),
                Map.of("Mcp-Session-Id", sessionId),
                null,
                null,
                END_SESSION_TIMEOUT);
        try (FunctionResponse response = engine.send(request)) {
            response.status();
        } catch (RuntimeException e) {
            // the function's session expires on its own
        }
    }
}
