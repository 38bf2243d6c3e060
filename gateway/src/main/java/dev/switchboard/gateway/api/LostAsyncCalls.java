package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the async calls of a replica that died before storing their result ({@link ReplicaWork#ASYNC_CALLS}):
 * their clients waited for a {@code function_response} that would never come. Each gets one, with the code
 * {@code CALL_LOST}, stored under the delivery token the result itself would have had: a result the replica stored
 * just before it died is kept, and the error stores nothing. Every replica sweeps every {@link #SWEEP_EVERY}; each
 * call is taken by one.
 */
public final class LostAsyncCalls implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LostAsyncCalls.class.getName());
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    private static final int PER_SWEEP = 1000;
    static final String CODE = "CALL_LOST";
    static final String LOST = "the gateway replica running this call stopped before it answered; the function may or"
            + " may not have run it: call it again if that is safe";

    private final ReplicaWork calls;
    private final ClientEventLog events;
    private final GatewayMetrics metrics;
    private final Duration tokenLife;
    /** Whether the calls of a sweep are still being answered: not on the clock, which other jobs share. */
    private final AtomicBoolean answering = new AtomicBoolean();

    private final Future<?> sweeps;

    /**
     * @param calls     the fleet's recorded async calls
     * @param events    where results go
     * @param metrics   counts what is answered
     * @param tokenLife how long a result's delivery token is kept ({@link Invocations#deliveryTokenLife})
     * @param work      the gateway's clock
     */
    public LostAsyncCalls(
            ReplicaWork calls, ClientEventLog events, GatewayMetrics metrics, Duration tokenLife, PeriodicWork work) {
        this.calls = calls;
        this.events = events;
        this.metrics = metrics;
        this.tokenLife = tokenLife;
        this.sweeps = work.every(SWEEP_EVERY, "answer the async calls of replicas gone", this::sweep);
    }

    private void sweep() {
        if (!answering.compareAndSet(false, true)) {
            return;
        }
        List<ReplicaWork.Item> lost;
        try {
            lost = calls.takeOrphaned(PER_SWEEP);
        } catch (RuntimeException e) {
            // Redis unreachable: reported by the store's health and error count; the next sweep tries again
            answering.set(false);
            LOGGER.log(Level.FINE, "could not look for async calls of replicas gone", e);
            return;
        }
        if (lost.isEmpty()) {
            answering.set(false);
            return;
        }
        Thread.ofVirtual().name("lost-async-calls").start(() -> {
            try {
                lost.forEach(this::answer);
                LOGGER.info(() ->
                        "answered " + lost.size() + " async call(s) accepted by a replica that is gone with " + CODE);
            } finally {
                answering.set(false);
            }
        });
    }

    /** @param item a lost call, as recorded: its result is published where the call's would have been */
    void answer(ReplicaWork.Item item) {
        String requestId = item.id();
        try {
            AsyncCallRecord call = AsyncCallRecord.decode(item.value());
            ObjectNode result = Json.object();
            result.put("success", false);
            result.put("request_id", requestId);
            result.put("function_name", call.function());
            result.put("error", LOST);
            result.put("code", CODE);
            result.put("timestamp", System.currentTimeMillis() / 1000);
            if (call.streamKey() != null) {
                publish(call.streamKey(), Json.write(result), requestId, "response");
            }
            if (call.topic() != null) {
                publish(
                        TopicNames.logKey(call.topic()),
                        PublishRequest.envelope(call.topic(), result),
                        requestId,
                        "topic");
            }
            metrics.invocationLost();
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not answer lost async call " + requestId + ": " + e.getMessage());
        }
    }

    private void publish(String logKey, String data, String requestId, String part) {
        events.publishAll(
                logKey,
                List.of(ClientEventLog.Pending.delivery(
                        Invocations.FUNCTION_RESPONSE, data, Invocations.deliveryToken(requestId, part), tokenLife)));
    }

    @Override
    public void close() {
        sweeps.cancel(false);
    }
}
