package dev.switchboard.operator.function;

import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.registry.StoreUnavailableException;
import java.util.function.Supplier;

/** Runs a call against a gateway's Redis, turning an outage into a {@code RedisUnavailable} outcome. */
final class RedisCall {
    private RedisCall() {}

    /**
     * @param gateway whose Redis is called
     * @param call    the call
     * @param <T>     result type
     * @return the call's result
     * @throws NotReadyException {@code RedisUnavailable} when Redis does not answer
     */
    static <T> T run(SseGateway gateway, Supplier<T> call) throws NotReadyException {
        try {
            return call.get();
        } catch (StoreUnavailableException e) {
            throw unavailable(gateway, e);
        }
    }

    /**
     * @param gateway whose Redis failed
     * @param e       the failure (its message names the Redis without credentials)
     * @return the outcome to report
     */
    static NotReadyException unavailable(SseGateway gateway, StoreUnavailableException e) {
        return new NotReadyException(
                Reasons.REDIS_UNAVAILABLE,
                "the Redis of SseGateway " + gateway.getMetadata().getName() + " is unavailable: " + e.getMessage());
    }
}
