package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.BoundedBody;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.CallFailures;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.invoke.FunctionRequest;
import dev.switchboard.gateway.invoke.FunctionResponse;
import dev.switchboard.gateway.invoke.FunctionSender;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.invoke.http1.CallControl;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * One POST to an MCP function, sent through the {@link FunctionEngine} and read on the caller's own
 * (virtual) thread, one message per {@link #next()}: no second thread. The {@link CallControl} bounds the
 * call by its deadline, keeps the client's stream alive while the function is silent (its idle action runs
 * on this thread, between reads) and lets another thread cancel the call: {@link #cancel()} closes the
 * function's connection, which ends the read blocked on it, and leaves the client's alone. The answer's
 * bytes are reserved in the {@link ResponseBudget} as they are read; a message's bytes are returned once
 * the caller takes the next item (it has been relayed), and whatever is left when the call is closed.
 */
final class BackendCall implements AutoCloseable {
    /** What a read of the call gives. */
    sealed interface Item permits Message, End, Failure, Cancelled {}

    /**
     * A JSON-RPC message from the function.
     *
     * @param json     the message
     * @param bytes    what reading it reserved in the budget
     * @param verbatim the UTF-8 JSON text it was parsed from, when that text is the message alone and may be passed on
     *                 as it is ({@link VerbatimJson}); else null
     */
    record Message(JsonNode json, long bytes, byte[] verbatim) implements Item {}

    /** The function's answer is complete. */
    record End() implements Item {}

    /**
     * The call failed: refused, non-2xx, unreadable, or its answer did not fit in the budget.
     *
     * @param reason what went wrong
     * @param code   the JSON-RPC error code for the request
     */
    record Failure(String reason, int code) implements Item {
        Failure(String reason) {
            this(reason, JsonRpc.INTERNAL_ERROR);
        }
    }

    /** The client cancelled the request. */
    record Cancelled() implements Item {}

    private static final End END = new End();
    private static final Cancelled CANCELLED = new Cancelled();

    private final FunctionSender engine;
    private final FunctionRequest request;
    private final CallControl control;
    private final long maxSize;
    private final ResponseBudget.Reservation answerBytes;
    /** Items decided ahead of the next read (a plain JSON answer: its message, then the end). */
    private final ArrayDeque<Item> ahead = new ArrayDeque<>(2);

    /** Written by the caller's thread, read by a cancelling one. */
    private volatile FunctionResponse response;

    private InputStream body;
    private SseEventReader events;
    private boolean over;
    private String sessionId;
    private int status;
    /** Bytes of the message the caller took last. */
    private long relaying;
    /** Bytes reserved when the last message was read. */
    private long reservedAtLastMessage;

    private BackendCall(FunctionSender engine, FunctionRequest request, long maxSize, ResponseBudget budget) {
        this.engine = engine;
        this.request = request;
        this.control = request.control();
        this.maxSize = maxSize;
        this.answerBytes = budget.open();
    }

    /**
     * @param engine  the function-call engine
     * @param request the POST carrying the JSON-RPC message, with its {@link CallControl}
     * @param maxSize largest message accepted
     * @param budget  bytes of answers held at once
     * @return the call, sent by the first {@link #next()}
     */
    static BackendCall start(FunctionSender engine, FunctionRequest request, long maxSize, ResponseBudget budget) {
        if (request.control() == null) {
            throw new IllegalArgumentException("an MCP call needs its control");
        }
        return new BackendCall(engine, request, maxSize, budget);
    }

    /** @return a message, with the bytes reserved since the previous one */
    private Message message(JsonNode json, byte[] verbatim) {
        long reserved = answerBytes.reservedSoFar();
        Message message = new Message(json, reserved - reservedAtLastMessage, verbatim);
        reservedAtLastMessage = reserved;
        return message;
    }

    /** @return the message those bytes hold, and the bytes themselves where they can be passed on as they are */
    private Message parsed(byte[] text) throws java.io.IOException {
        VerbatimJson read = VerbatimJson.read(text);
        return message(read.json(), read.verbatim());
    }

    /**
     * Sends the request on the first call, then reads the function's answer up to its next message.
     *
     * @return the next item; null when the call's deadline passed
     * @throws CallControl.IdleActionFailed when keeping the client's stream alive failed (the client is gone)
     */
    Item next() {
        // the message taken before has been relayed: its bytes are no longer held here
        answerBytes.release(relaying);
        relaying = 0;
        Item item = read();
        if (!(item instanceof Message) && control.aborted()) {
            // however the closed connection ended the read, the cancellation (or the stop) is what happened
            item = aborted();
        }
        if (item instanceof Message message) {
            relaying = message.bytes();
        }
        return item;
    }

    /**
     * @return what an aborted call ends in: the client's cancellation, or, when the gateway stopped it
     *     ({@code SHUTDOWN_GRACE} ran out), a failure the client is answered with and may retry elsewhere
     */
    private Item aborted() {
        return control.stopped() ? new Failure(FunctionEngine.STOPPING, JsonRpc.GATEWAY_ERROR) : CANCELLED;
    }

    private Item read() {
        if (!ahead.isEmpty()) {
            return ahead.poll();
        }
        if (control.aborted()) {
            return aborted();
        }
        if (over) {
            return END;
        }
        try {
            if (response == null) {
                Item first = open();
                if (first != null) {
                    over = true;
                    return first;
                }
            }
            if (events != null) {
                byte[] data;
                while ((data = events.nextDataBytes()) != null) {
                    // parsed from the bytes read: no String of the message on the way
                    if (!SseEventReader.isBlank(data)) {
                        return parsed(data);
                    }
                }
                over = true;
                return END;
            }
            byte[] bytes = BoundedBody.read(body, response.length(), maxSize);
            over = true;
            if (bytes.length > maxSize) {
                return new Failure("function answer exceeds " + maxSize + " bytes");
            }
            if (bytes.length == 0) {
                return END;
            }
            ahead.add(END);
            return parsed(bytes);
        } catch (CallControl.IdleActionFailed e) {
            over = true;
            throw e;
        } catch (ResponseBudget.Exhausted e) {
            over = true;
            if (e.alone()) {
                // larger than the whole budget, so than the message limit (at most the budget): as any answer over it
                return new Failure("function answer exceeds " + maxSize + " bytes");
            }
            // the gateway is short of memory, not the function at fault: a refusal the client may retry
            return new Failure(e.getMessage(), JsonRpc.GATEWAY_ERROR);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            over = true;
            return control.aborted() ? aborted() : new Failure("function answered invalid JSON");
        } catch (Exception e) {
            over = true;
            if (control.aborted()) {
                return aborted();
            }
            if (control.passed()) {
                return null;
            }
            return new Failure(CallFailures.describe(e));
        }
    }

    /**
     * Sends the request and reads the answer's head.
     *
     * @return the call's only item when the head decides it (no body to read), else null
     */
    private Item open() throws Exception {
        response = engine.send(request);
        if (control.aborted()) {
            // cancelled while the answer's head was read: the cancelling thread may have missed it
            response.close();
            return aborted();
        }
        sessionId = response.header("Mcp-Session-Id").orElse(null);
        int status = response.status();
        if (status == 202 || status == 204) {
            return END;
        }
        String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        this.status = status;
        if (status < 200 || status > 299) {
            // a JSON-RPC error in a 4xx (2026-07-28 validation, 404 for removed methods) is the answer, typed or not
            // (the TypeScript SDK's server 1.13 sends its refusals without a Content-Type)
            JsonNode error = type.isEmpty() || type.contains("json")
                    ? jsonRpcError(answerBytes.meter(response.body()), maxSize)
                    : null;
            if (error == null) {
                return new Failure("function answered HTTP " + status);
            }
            ahead.add(END);
            return message(error, null);
        }
        body = answerBytes.meter(response.body());
        if (type.startsWith("text/event-stream")) {
            events = new SseEventReader(body, maxSize);
        }
        return null;
    }

    private static JsonNode jsonRpcError(InputStream in, long maxSize) throws ResponseBudget.Exhausted {
        try (in) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxSize));
            JsonNode json = Json.MAPPER.readTree(bytes);
            return json != null && json.has("error") && json.has("jsonrpc") ? json : null;
        } catch (ResponseBudget.Exhausted e) {
            throw e;
        } catch (Exception e) {
            return null;
        }
    }

    /** @return the HTTP status of the function's answer, once read (0 before) */
    int status() {
        return status;
    }

    /** @return the function's {@code Mcp-Session-Id}, once its answer's headers were read */
    String sessionId() {
        return sessionId;
    }

    /** Cancels the call on the client's behalf (any thread): the relay stops and writes no result. */
    void cancel() {
        control.abort();
        // the engine's connection is closed by the abort; any other sender's answer is closed here
        FunctionResponse answer = response;
        if (answer != null) {
            answer.close();
        }
    }

    /** Ends the call (the caller's thread): an answer not read to its end closes its connection. */
    @Override
    public void close() {
        if (response != null) {
            response.close();
        }
        answerBytes.close();
    }
}
