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
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One POST to an MCP function, sent through the {@link FunctionEngine} and read on its own virtual thread so
 * that the caller can relay messages as they arrive while it keeps the client's stream alive (heartbeats),
 * waits with a deadline and hears of the client's cancellation; closing the call interrupts the reader,
 * which closes the function's connection and leaves the client's alone. The answer's bytes are reserved in the {@link ResponseBudget} as
 * they are read; a message's bytes are returned once the caller takes the next item (it has been relayed),
 * and whatever is left when the call is closed.
 */
final class BackendCall implements AutoCloseable {
    /** What the reader hands over. */
    sealed interface Item permits Message, End, Failure, Cancelled {}

    /**
     * A JSON-RPC message from the function.
     *
     * @param json  the message
     * @param bytes what reading it reserved in the budget
     */
    record Message(JsonNode json, long bytes) implements Item {}

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

    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final ResponseBudget.Reservation answerBytes;
    private final Thread reader;
    private volatile String sessionId;
    private volatile int status;
    /** Bytes of the message the caller took last (read by the caller's thread only). */
    private long relaying;
    /** Bytes reserved when the last message was queued (the reader's thread only). */
    private long reservedAtLastMessage;

    private BackendCall(FunctionSender engine, FunctionRequest request, long maxSize, ResponseBudget budget) {
        this.answerBytes = budget.open();
        // the MCP request's span goes along to the reader, which sends the request (its traceparent comes from there)
        this.reader = Thread.ofVirtual()
                .name("mcp-backend-call")
                .start(io.opentelemetry.context.Context.current().wrap(() -> read(engine, request, maxSize)));
    }

    /**
     * @param engine  the function-call engine
     * @param request the POST carrying the JSON-RPC message
     * @param maxSize largest message accepted
     * @param budget  bytes of answers held at once
     * @return the running call
     */
    static BackendCall start(FunctionSender engine, FunctionRequest request, long maxSize, ResponseBudget budget) {
        return new BackendCall(engine, request, maxSize, budget);
    }

    /** @return a message, with the bytes reserved since the previous one */
    private Message message(JsonNode json) {
        long reserved = answerBytes.reservedSoFar();
        Message message = new Message(json, reserved - reservedAtLastMessage);
        reservedAtLastMessage = reserved;
        return message;
    }

    private void read(FunctionSender engine, FunctionRequest request, long maxSize) {
        try (FunctionResponse response = engine.send(request)) {
            sessionId = response.header("Mcp-Session-Id").orElse(null);
            int status = response.status();
            if (status == 202 || status == 204) {
                items.add(END);
                return;
            }
            String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            this.status = status;
            if (status < 200 || status > 299) {
                // a JSON-RPC error in a 4xx (2026-07-28 validation, 404 for removed methods) is the answer
                JsonNode error =
                        type.contains("json") ? jsonRpcError(answerBytes.meter(response.body()), maxSize) : null;
                items.add(error != null ? message(error) : new Failure("function answered HTTP " + status));
                if (error != null) {
                    items.add(END);
                }
                return;
            }
            try (InputStream in = answerBytes.meter(response.body())) {
                if (type.startsWith("text/event-stream")) {
                    SseEventReader events = new SseEventReader(in, maxSize);
                    byte[] data;
                    while ((data = events.nextDataBytes()) != null) {
                        // parsed from the bytes read: no String of the message on the way
                        if (!SseEventReader.isBlank(data)) {
                            items.add(message(Json.MAPPER.readTree(data)));
                        }
                    }
                } else {
                    byte[] bytes = BoundedBody.read(
                            in, BoundedBody.declaredLength(response.header("Content-Length")), maxSize);
                    if (bytes.length > maxSize) {
                        items.add(new Failure("function answer exceeds " + maxSize + " bytes"));
                        return;
                    }
                    if (bytes.length > 0) {
                        items.add(message(Json.MAPPER.readTree(bytes)));
                    }
                }
            }
            items.add(END);
        } catch (ResponseBudget.Exhausted e) {
            // the gateway is short of memory, not the function at fault: a refusal the client may retry
            items.add(new Failure(e.getMessage(), JsonRpc.GATEWAY_ERROR));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            items.add(new Failure("function answered invalid JSON"));
        } catch (Exception e) {
            if (!Thread.currentThread().isInterrupted()) {
                items.add(new Failure(CallFailures.describe(e)));
            }
        }
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

    /**
     * @param deadlineNanos {@link System#nanoTime()} by which the next item must come
     * @return the next item, or null at the deadline
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Item next(long deadlineNanos) throws InterruptedException {
        // the message taken before has been relayed: its bytes are no longer held here
        answerBytes.release(relaying);
        relaying = 0;
        Item item = items.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (item instanceof Message message) {
            relaying = message.bytes();
        }
        return item;
    }

    /** @return the function's {@code Mcp-Session-Id}, once its answer's headers were read */
    String sessionId() {
        return sessionId;
    }

    /** Cancels the call on the client's behalf: the waiting relay stops and writes no result. */
    void cancel() {
        items.add(new Cancelled());
        close();
    }

    /** Abandons the call: the function's connection is closed (a 2026-style cancellation), its bytes returned. */
    @Override
    public void close() {
        if (reader.isAlive()) {
            reader.interrupt();
        }
        answerBytes.close();
    }
}
