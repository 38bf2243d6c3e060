package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.EventIds;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The multi round-trip bridge. A stateless function that needs the client's input answers
 * {@code input_required} with {@code inputRequests}; a session-based client cannot read that, but it can
 * answer ordinary server-to-client requests. The bridge sends each input request to the client as such a
 * request on the originating stream, collects the answers (posted to any replica), and hands them back so
 * the function can be called again with {@code inputResponses} and its {@code requestState}.
 */
final class InputBridge {
    /** Prefix of the request ids the gateway mints for bridged requests. */
    static final String ID_PREFIX = "sb-";

    private static final long POLL_MILLIS = 1000;

    private final Mailboxes mailboxes;
    private final ClientEventLog log;
    private final Duration roundTimeout;

    InputBridge(Mailboxes mailboxes, ClientEventLog log, Duration roundTimeout) {
        this.mailboxes = mailboxes;
        this.log = log;
        this.roundTimeout = roundTimeout;
    }

    /** The client did not (or could not) answer. */
    static final class BridgeException extends Exception {
        BridgeException(String message) {
            super(message);
        }
    }

    /** The client cancelled the request ({@code notifications/cancelled}) while its answers were awaited. */
    static final class Cancelled extends Exception {
        Cancelled() {
            super("cancelled by the client", null, false, false);
        }
    }

    /** Put into the awaited mailbox by {@link Wait#cancel}: wakes the wait at once rather than at its next poll. */
    private static final ClientEvent CANCEL = new ClientEvent(EventIds.ZERO, "cancel", "");

    /**
     * One request's wait for its client's answers, which the client's cancellation ends from another thread. A person
     * may take minutes to answer an elicitation: the request's stream gets a keep-alive comment every heartbeat
     * interval meanwhile, as during a slow call, so that no proxy cuts it for being quiet.
     */
    static final class Wait {
        private final long keepAliveNanos;
        private volatile boolean cancelled;
        private volatile BlockingQueue<ClientEvent> awaited;

        /** @param keepAlive how long the request's stream may be quiet ({@code HEARTBEAT_INTERVAL}) */
        Wait(Duration keepAlive) {
            this.keepAliveNanos = keepAlive.toNanos();
        }

        /** Ends the wait: {@link #ask} throws {@link Cancelled}. */
        void cancel() {
            cancelled = true;
            BlockingQueue<ClientEvent> queue = awaited;
            if (queue != null) {
                queue.offer(CANCEL);
            }
        }
    }

    /**
     * @param message a message a client posted
     * @return whether it answers a request the bridge sent
     */
    static boolean isBridgedAnswer(JsonNode message) {
        return JsonRpc.isResponse(message)
                && message.path("id").isTextual()
                && message.get("id").asText().startsWith(ID_PREFIX);
    }

    /**
     * Delivers a client's answer to the replica waiting for it.
     *
     * @param sessionId the session
     * @param answer    the JSON-RPC response
     */
    void deliver(String sessionId, JsonNode answer) {
        log.publish(mailbox(sessionId, answer.get("id").asText()), "answer", Json.write(answer));
    }

    /**
     * Asks the client every input request of one round and waits for all answers.
     *
     * @param sessionId    the session
     * @param capabilities the client's declared capabilities
     * @param requests     {@code inputRequests}: key to {@code {method, params}}
     * @param sink         the originating stream
     * @param wait         ends the wait when the client cancels the request
     * @return {@code inputResponses}: key to the client's result
     * @throws BridgeException when the client lacks a capability, answers with an error, or not in time
     * @throws Cancelled       when the client cancelled the request meanwhile
     * @throws IOException     when the client's stream is gone
     * @throws InterruptedException when the relay is stopped
     */
    ObjectNode ask(String sessionId, JsonNode capabilities, JsonNode requests, McpRelay.Sink sink, Wait wait)
            throws BridgeException, Cancelled, IOException, InterruptedException {
        if (requests == null || !requests.isObject() || requests.isEmpty()) {
            throw new BridgeException("function answered input_required without inputRequests");
        }
        Map<String, String> minted = new LinkedHashMap<>();
        List<String> boxes = new ArrayList<>();
        try {
            for (Map.Entry<String, JsonNode> entry : requests.properties()) {
                String method = entry.getValue().path("method").asText("");
                requireCapability(capabilities, method);
                String id = ID_PREFIX + McpIds.streamId() + McpIds.streamId();
                String box = mailbox(sessionId, id);
                mailboxes.open(box);
                boxes.add(box);
                minted.put(entry.getKey(), id);
                ObjectNode request = Json.object();
                request.put("jsonrpc", "2.0");
                request.put("id", id);
                request.put("method", method);
                request.set(
                        "params",
                        entry.getValue().path("params").isObject()
                                ? entry.getValue().get("params")
                                : Json.object());
                sink.send(request, false);
            }
            long deadline = System.nanoTime() + roundTimeout.toNanos();
            ObjectNode responses = Json.object();
            for (Map.Entry<String, String> entry : minted.entrySet()) {
                JsonNode answer = await(mailbox(sessionId, entry.getValue()), deadline, wait, sink);
                if (answer.has("error")) {
                    throw new BridgeException("client answered "
                            + requests.path(entry.getKey()).path("method").asText() + " with an error: "
                            + answer.get("error").path("message").asText());
                }
                responses.set(entry.getKey(), answer.path("result"));
            }
            return responses;
        } finally {
            boxes.forEach(mailboxes::close);
        }
    }

    /** Waits for an answer; falls back to reading the log in case a fan-out message was missed. */
    private JsonNode await(String box, long deadline, Wait wait, McpRelay.Sink sink)
            throws BridgeException, Cancelled, IOException, InterruptedException {
        BlockingQueue<ClientEvent> queue = mailboxes.open(box);
        wait.awaited = queue;
        long nextKeepAlive = System.nanoTime() + wait.keepAliveNanos;
        while (System.nanoTime() < deadline) {
            if (wait.cancelled) {
                throw new Cancelled();
            }
            long now = System.nanoTime();
            if (now - nextKeepAlive >= 0) {
                sink.keepAlive();
                nextKeepAlive = now + wait.keepAliveNanos;
            }
            long until = Math.min(deadline, nextKeepAlive);
            ClientEvent event = queue.poll(
                    Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(until - now) + 1), TimeUnit.MILLISECONDS);
            if (event == CANCEL) {
                throw new Cancelled();
            }
            if (event == null) {
                List<ClientEvent> logged = log.readAfter(box, EventIds.ZERO, 1);
                event = logged.isEmpty() ? null : logged.getFirst();
            }
            if (event != null) {
                try {
                    return Json.MAPPER.readTree(event.data());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new BridgeException("unreadable client answer");
                }
            }
        }
        throw new BridgeException("client did not answer within " + roundTimeout.toSeconds() + " s");
    }

    private static void requireCapability(JsonNode capabilities, String method) throws BridgeException {
        String capability = switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> throw new BridgeException("function asked for unsupported input method '" + method + "'");
        };
        if (capabilities == null || !capabilities.has(capability)) {
            throw new BridgeException("the client did not declare the " + capability + " capability");
        }
    }

    private static String mailbox(String sessionId, String requestId) {
        return McpIds.logKey(sessionId, "answer:" + requestId);
    }
}
