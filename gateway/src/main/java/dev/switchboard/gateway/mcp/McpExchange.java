package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One HTTP request on an MCP route ({@link McpRoute}) and its answer, apart from the server that carries them (the
 * public listener's {@code stream/SocketExchange}, a socket it reads and writes itself), so that the transports
 * {@link McpEndpoint} runs know nothing of sockets.
 *
 * <p>An answer is either whole ({@link #send}: the body's length known) or streamed ({@link #outputStream}:
 * the head is written at once and the body follows until the stream is closed).
 */
public abstract class McpExchange {
    private JsonNode requestId;

    /** @return the request's method, as sent */
    public abstract String method();

    /** @return the {@code name} of {@code /mcp/{name}} */
    public abstract String server();

    /**
     * @param name a query parameter
     * @return its first value, if the request's query has it
     */
    public abstract java.util.Optional<String> query(String name);

    /** @return the request's headers */
    public abstract Headers headers();

    /** @return who asks, as the admission pipeline authenticated them */
    public abstract Identity identity();

    /**
     * @param maxSize largest body accepted
     * @return the request's body, empty when there is none
     * @throws dev.switchboard.gateway.http.ApiException 413 {@code PAYLOAD_TOO_LARGE}, 400 when it cannot be read
     */
    public abstract byte[] body(long maxSize);

    /** @param status the answer's status */
    public abstract void status(Status status);

    /**
     * @param name  a header of the answer
     * @param value its value
     */
    public abstract void header(String name, String value);

    /** @param body the whole answer's body (empty for none); the answer is then complete */
    public abstract void send(byte[] body);

    /**
     * @return the body of a streamed answer; the head (status and headers set so far) goes first, and closing it
     *         ends the answer
     * @throws IOException when the client is gone
     */
    public abstract OutputStream outputStream() throws IOException;

    /** @return whether the answer's head has been written */
    public abstract boolean isSent();

    /**
     * Counts a stream this answer holds for as long as it lasts (a listen stream) against the client's address, as
     * the other streams are ({@code MAX_STREAMS_PER_IP}).
     *
     * @return what ends the count, run once the stream ended
     * @throws dev.switchboard.gateway.http.ApiException 429 when the address holds its maximum of streams
     */
    public abstract Runnable countStream();

    /**
     * Ends the connection after what was written so far: the client gets nothing more on it, and sends nothing more
     * on it (a streamed answer that another connection took over, while its call goes on).
     *
     * @throws IOException when the connection is gone already
     */
    public abstract void endConnection() throws IOException;

    /** @return the id of the JSON-RPC request the body carried, for a refusal after reading it; null before */
    JsonNode requestId() {
        return requestId;
    }

    void requestId(JsonNode id) {
        this.requestId = id;
    }

    /** A whole JSON answer. */
    final void sendJson(Status status, JsonNode body) {
        sendJson(status, Json.bytes(body));
    }

    /** A whole JSON answer, already written. */
    final void sendJson(Status status, byte[] json) {
        status(status);
        header("Content-Type", "application/json");
        header("Cache-Control", "no-cache");
        send(json);
    }

    /** A whole answer without a body (202, 204). */
    final void sendEmpty(Status status) {
        status(status);
        send(new byte[0]);
    }

    /** @return the body of an SSE answer, started the same way on every listener */
    final OutputStream startSse() throws IOException {
        status(Status.OK_200);
        header("Content-Type", "text/event-stream; charset=utf-8");
        header("Cache-Control", "no-cache");
        // nginx and similar proxies would otherwise hold events back
        header("X-Accel-Buffering", "no");
        return outputStream();
    }
}
