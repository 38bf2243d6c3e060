package dev.switchboard.gateway.invoke;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.registry.FunctionRegistration;

import io.helidon.http.Status;

/**
 * Places for function calls in flight on this replica, shared by {@code /invoke} and {@code /mcp}:
 * {@code MAX_INFLIGHT_INVOCATIONS} in all and, when a registration sets {@code max_concurrency}, that many
 * for the function.
 */
public final class CallLimits {
    private final Semaphore inflight;
    private final int maxInflight;
    private final Map<String, FunctionLimit> perFunction = new ConcurrentHashMap<>();

    /** @param maxInflight calls in flight on this replica */
    public CallLimits(int maxInflight) {
        this.inflight = new Semaphore(maxInflight);
        this.maxInflight = maxInflight;
    }

    /** A place taken; released once the call ends. */
    @FunctionalInterface
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param function the function to call
     * @return the place taken
     * @throws ApiException 503 {@code TOO_MANY_INVOCATIONS} or {@code FUNCTION_BUSY}
     */
    public Permit acquire(FunctionRegistration function) {
        if (!inflight.tryAcquire()) {
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "TOO_MANY_INVOCATIONS",
                                   maxInflight + " calls are in flight on this replica (MAX_INFLIGHT_INVOCATIONS)");
        }
        if (function.maxConcurrency() == 0) {
            return inflight::release;
        }
        FunctionLimit limit = perFunction.compute(function.name(), (name, current) ->
                current != null && current.max() == function.maxConcurrency()
                        ? current : new FunctionLimit(function.maxConcurrency(),
                                                      new Semaphore(function.maxConcurrency())));
        if (!limit.permits().tryAcquire()) {
            inflight.release();
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "FUNCTION_BUSY", "function '" + function.name()
                    + "' already has " + limit.max() + " calls in flight on this replica (max_concurrency)");
        }
        return () -> {
            limit.permits().release();
            inflight.release();
        };
    }

    /** @return calls in flight on this replica */
    public int inflight() {
        return maxInflight - inflight.availablePermits();
    }

    /** One function's limit; replaced when the registration's limit changes. */
    private record FunctionLimit(int max, Semaphore permits) {
    }
}
