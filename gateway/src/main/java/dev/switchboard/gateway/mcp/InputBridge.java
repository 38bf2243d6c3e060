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
    /**
     * Before calling a function again that answered {@code input_required} with a {@code requestState} and nothing to
     * ask (load shedding, in the spec's example): the client may retry at once; the gateway spares the function a
     * tight loop.
     */
    static final Duration STATE_ONLY_PAUSE = Duration.ofMillis(100);

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

        /** Waits this long unless the client cancels meanwhile. */
        void pause(Duration pause) throws Cancelled, InterruptedException {
            BlockingQueue<ClientEvent> queue = new java.util.concurrent.ArrayBlockingQueue<>(1);
            awaited = queue;
            if (cancelled || queue.poll(pause.toMillis(), TimeUnit.MILLISECONDS) == CANCEL || cancelled) {
                throw new Cancelled();
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
     * Asks the client every input request of one round and waits for all answers; a round with nothing to ask (a
     * {@code requestState} alone) is a pause before the function is called again.
     *
     * @param sessionId     the session
     * @param capabilities  the client's declared capabilities
     * @param inputRequired the function's {@code input_required} result
     * @param sink          the originating stream
     * @param wait          ends the wait when the client cancels the request
     * @return {@code inputResponses}: key to the client's result; null when nothing was asked
     * @throws BridgeException when the result asks nothing and carries no state, the client lacks a capability,
     *                         answers with an error, or not in time (what it was asked and did not answer is
     *                         cancelled: a person need not go on with an elicitation nobody waits for)
     * @throws Cancelled       when the client cancelled the request meanwhile
     * @throws IOException     when the client's stream is gone
     * @throws InterruptedException when the relay is stopped
     */
    ObjectNode ask(String sessionId, JsonNode capabilities, JsonNode inputRequired, McpRelay.Sink sink, Wait wait)
            throws BridgeException, Cancelled, IOException, InterruptedException {
        JsonNode requests = inputRequired.path("inputRequests");
        if (!requests.isObject() || requests.isEmpty()) {
            if (!inputRequired.hasNonNull("requestState")) {
                throw new BridgeException(
                        "function answered input_required with neither inputRequests nor requestState");
            }
            wait.pause(STATE_ONLY_PAUSE);
            return null;
        }
        for (Map.Entry<String, JsonNode> entry : requests.properties()) {
            requireCapability(
                    capabilities,
                    entry.getValue().path("method").asText(""),
                    entry.getValue().path("params"));
        }
        Map<String, String> minted = new LinkedHashMap<>();
        List<String> boxes = new ArrayList<>();
        try {
            for (Map.Entry<String, JsonNode> entry : requests.properties()) {
                String id = ID_PREFIX + McpIds.streamId() + McpIds.streamId();
                String box = mailbox(sessionId, id);
                mailboxes.open(box);
                boxes.add(box);
                minted.put(entry.getKey(), id);
                ObjectNode request =
                        JsonRpc.request(id, entry.getValue().path("method").asText());
                request.set(
                        "params",
                        entry.getValue().path("params").isObject()
                                ? entry.getValue().get("params")
                                : Json.object());
                sink.send(request, false);
            }
            return answers(sessionId, requests, minted, sink, wait);
        } finally {
            boxes.forEach(mailboxes::close);
        }
    }

    /** Awaits the answers to the requests sent, in turn; cancels those left unanswered when the round fails. */
    private ObjectNode answers(
            String sessionId, JsonNode requests, Map<String, String> minted, McpRelay.Sink sink, Wait wait)
            throws BridgeException, Cancelled, IOException, InterruptedException {
        long deadline = System.nanoTime() + roundTimeout.toNanos();
        ObjectNode responses = Json.object();
        List<String> unanswered = new ArrayList<>(minted.values());
        try {
            for (Map.Entry<String, String> entry : minted.entrySet()) {
                JsonNode answer = await(mailbox(sessionId, entry.getValue()), deadline, wait, sink);
                unanswered.remove(entry.getValue());
                if (answer.has("error")) {
                    throw new BridgeException("client answered "
                            + requests.path(entry.getKey()).path("method").asText() + " with an error: "
                            + answer.get("error").path("message").asText());
                }
                responses.set(entry.getKey(), answer.path("result"));
            }
            return responses;
        } catch (BridgeException | Cancelled e) {
            cancelOnClient(unanswered, e.getMessage(), sink);
            throw e;
        }
    }

    /** Tells the client the gateway no longer waits for these requests ({@code notifications/cancelled}). */
    private static void cancelOnClient(List<String> ids, String reason, McpRelay.Sink sink) {
        for (String id : ids) {
            ObjectNode params = Json.object().put("requestId", id).put("reason", reason);
            try {
                sink.send(JsonRpc.notification("notifications/cancelled", params), false);
            } catch (IOException | RuntimeException e) {
                return; // the client's stream is gone: nothing reaches it
            }
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

    /**
     * What a request needs the client to have declared, sub-capabilities included (the SDKs' shared mapping): URL-mode
     * elicitation needs {@code elicitation.url}; form mode {@code elicitation}, empty or with {@code form}; sampling
     * with {@code tools} or {@code toolChoice} needs {@code sampling.tools}.
     */
    private static void requireCapability(JsonNode capabilities, String method, JsonNode params)
            throws BridgeException {
        switch (method) {
            case "sampling/createMessage" -> {
                require(capabilities, "sampling");
                if (params.has("tools") || params.has("toolChoice")) {
                    require(capabilities.get("sampling"), "sampling", "tools");
                }
            }
            case "elicitation/create" -> {
                require(capabilities, "elicitation");
                JsonNode elicitation = capabilities.get("elicitation");
                if ("url".equals(params.path("mode").asText("form"))) {
                    require(elicitation, "elicitation", "url");
                } else if (elicitation.isObject() && !elicitation.isEmpty()) {
                    require(elicitation, "elicitation", "form");
                }
            }
            case "roots/list" -> require(capabilities, "roots");
            default -> throw new BridgeException("function asked for unsupported input method '" + method + "'");
        }
    }

    private static void require(JsonNode capabilities, String name) throws BridgeException {
        if (capabilities == null || !capabilities.has(name)) {
            throw new BridgeException("the client did not declare the " + name + " capability");
        }
    }

    private static void require(JsonNode capability, String name, String sub) throws BridgeException {
        if (!capability.has(sub)) {
            throw new BridgeException("the client did not declare the " + name + "." + sub + " capability");
        }
    }

    private static String mailbox(String sessionId, String requestId) {
        return McpIds.logKey(sessionId, "answer:" + requestId);
    }
}
