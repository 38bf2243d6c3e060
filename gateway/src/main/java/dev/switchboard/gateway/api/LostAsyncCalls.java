package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.OrphanedWorkSweep;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the async calls of a replica that died before storing their result ({@link ReplicaWork#ASYNC_CALLS}):
 * their clients waited for a {@code function_response} that would never come. Each gets one, with the code
 * {@code CALL_LOST}, stored under the delivery token the result itself would have had: a result the replica stored
 * just before it died is kept, and the error stores nothing. Every replica sweeps every 10 s; each
 * call is taken by one ({@link OrphanedWorkSweep}).
 */
public final class LostAsyncCalls implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LostAsyncCalls.class.getName());
    static final String CODE = "CALL_LOST";
    static final String LOST = "the gateway replica running this call stopped before it answered; the function may or"
            + " may not have run it: call it again if that is safe";

    private final ClientEventLog events;
    private final GatewayMetrics metrics;
    private final Duration tokenLife;

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
        this.events = events;
        this.metrics = metrics;
        this.tokenLife = tokenLife;
        this.sweeps = work.every(
                OrphanedWorkSweep.EVERY,
                "answer the async calls of replicas gone",
                new OrphanedWorkSweep(calls, "async call(s) answered " + CODE, this::answer));
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
