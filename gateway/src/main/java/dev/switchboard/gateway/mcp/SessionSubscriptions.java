package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.McpPushIndex;
import dev.switchboard.gateway.state.McpSession;
import java.io.IOException;

/**
 * {@code resources/subscribe} and {@code resources/unsubscribe} of a session: the gateway records the URIs
 * (at most {@code MAX_MCP_SUBSCRIPTIONS} per session) so that a pushed {@code notifications/resources/updated}
 * reaches exactly the sessions that asked for it. The function still decides: a session-era function gets the
 * request as before, and a subscription it refuses (an error answer) is not kept. A 2026-07-28 function has
 * no such methods, so the gateway answers them itself.
 */
final class SessionSubscriptions {
    private final McpPushIndex index;
    private final int max;

    /**
     * @param index where subscriptions are kept
     * @param max   most URIs per session
     */
    SessionSubscriptions(McpPushIndex index, int max) {
        this.index = index;
        this.max = max;
    }

    /** @return whether a method is one this class intercepts */
    static boolean handles(String method) {
        return "resources/subscribe".equals(method) || "resources/unsubscribe".equals(method);
    }

    /**
     * Records the request's effect, then says where it goes on.
     *
     * @param session    the client's session
     * @param message    a {@code resources/subscribe} or {@code resources/unsubscribe} request
     * @param sink       where its answer goes
     * @param answerHere whether the gateway answers it (the function does not know the method)
     * @return the sink to relay the request to the function with, or null when it was answered here
     * @throws IOException when the client is gone
     */
    McpRelay.Sink intercept(McpSession session, JsonNode message, McpRelay.Sink sink, boolean answerHere)
            throws IOException {
        JsonNode id = message.get("id");
        JsonNode uri = message.path("params").get("uri");
        if (uri == null
                || !uri.isTextual()
                || uri.asText().isEmpty()
                || uri.asText().length() > McpNotification.MAX_URI_LENGTH) {
            sink.send(
                    JsonRpc.error(
                            id,
                            JsonRpc.INVALID_PARAMS,
                            "params.uri must be a resource URI of 1 to " + McpNotification.MAX_URI_LENGTH
                                    + " characters"),
                    true);
            return null;
        }
        if ("resources/unsubscribe".equals(JsonRpc.method(message))) {
            index.unsubscribe(session.id(), uri.asText());
            return answered(answerHere, id, sink);
        }
        McpPushIndex.Subscribed outcome = index.subscribe(session.id(), uri.asText(), max);
        if (outcome == McpPushIndex.Subscribed.FULL) {
            sink.send(
                    JsonRpc.error(
                            id,
                            JsonRpc.INVALID_PARAMS,
                            "this session holds its maximum of " + max
                                    + " resource subscriptions (MAX_MCP_SUBSCRIPTIONS); unsubscribe from one first"),
                    true);
            return null;
        }
        if (answered(answerHere, id, sink) == null) {
            return null;
        }
        return outcome == McpPushIndex.Subscribed.ADDED ? new ForgetIfRefused(sink, session.id(), uri.asText()) : sink;
    }

    private static McpRelay.Sink answered(boolean answerHere, JsonNode id, McpRelay.Sink sink) throws IOException {
        if (!answerHere) {
            return sink;
        }
        sink.send(JsonRpc.result(id, Json.object()), true);
        return null;
    }

    /** Passes everything on; a refusal of the subscription by the function removes its record. */
    private final class ForgetIfRefused implements McpRelay.Sink {
        private final McpRelay.Sink sink;
        private final String sessionId;
        private final String uri;

        ForgetIfRefused(McpRelay.Sink sink, String sessionId, String uri) {
            this.sink = sink;
            this.sessionId = sessionId;
            this.uri = uri;
        }

        @Override
        public void send(JsonNode message, boolean last) throws IOException {
            if (last && !message.has("result")) {
                index.unsubscribe(sessionId, uri);
            }
            sink.send(message, last);
        }

        @Override
        public void cancelled() throws IOException {
            index.unsubscribe(sessionId, uri);
            sink.cancelled();
        }

        @Override
        public void functionStatus(int status) {
            sink.functionStatus(status);
        }

        @Override
        public void openingDue() throws IOException {
            sink.openingDue();
        }

        @Override
        public void keepAlive() throws IOException {
            sink.keepAlive();
        }

        @Override
        public boolean committed() {
            return sink.committed();
        }

        @Override
        public void end() {
            sink.end();
        }
    }
}
