package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Places for function calls in flight on this replica, shared by {@code /invoke} and {@code /mcp}:
 * {@code MAX_INFLIGHT_INVOCATIONS} in all and, when a registration sets {@code max_concurrency}, that many
 * for the function; and the bytes their answers may hold ({@code MAX_RESPONSE_BYTES_IN_FLIGHT}).
 */
public final class CallLimits {
    private final Semaphore inflight;
    private final int maxInflight;
    private final ResponseBudget responseBytes;
    private final Map<String, FunctionLimit> perFunction = new ConcurrentHashMap<>();

    /**
     * @param maxInflight   calls in flight on this replica
     * @param responseBytes bytes of answers held at once
     */
    public CallLimits(int maxInflight, ResponseBudget responseBytes) {
        this.inflight = new Semaphore(maxInflight);
        this.maxInflight = maxInflight;
        this.responseBytes = responseBytes;
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
     * @throws ApiException 503 {@code TOO_MANY_RESPONSE_BYTES}, {@code TOO_MANY_INVOCATIONS} or {@code FUNCTION_BUSY}
     */
    public Permit acquire(FunctionRegistration function) {
        if (responseBytes.exhausted()) {
            // its answer could not be read: refuse before the function does the work
            throw new ApiException(
                    Status.SERVICE_UNAVAILABLE_503,
                    "TOO_MANY_RESPONSE_BYTES",
                    "function answers in flight on this replica hold " + responseBytes.capacity()
                            + " bytes (MAX_RESPONSE_BYTES_IN_FLIGHT); retry later");
        }
        if (!inflight.tryAcquire()) {
            throw new ApiException(
                    Status.SERVICE_UNAVAILABLE_503,
                    "TOO_MANY_INVOCATIONS",
                    maxInflight + " calls are in flight on this replica (MAX_INFLIGHT_INVOCATIONS)");
        }
        if (function.maxConcurrency() == 0) {
            return inflight::release;
        }
        FunctionLimit limit = perFunction.compute(
                function.name(),
                (name, current) -> current != null && current.max() == function.maxConcurrency()
                        ? current
                        : new FunctionLimit(function.maxConcurrency(), new Semaphore(function.maxConcurrency())));
        if (!limit.permits().tryAcquire()) {
            inflight.release();
            throw new ApiException(
                    Status.SERVICE_UNAVAILABLE_503,
                    "FUNCTION_BUSY",
                    "function '" + function.name() + "' already has " + limit.max()
                            + " calls in flight on this replica (max_concurrency)");
        }
        return () -> {
            limit.permits().release();
            inflight.release();
        };
    }

    /** @return the bytes answers may hold, shared by every call */
    public ResponseBudget responseBytes() {
        return responseBytes;
    }

    /** @return calls in flight on this replica */
    public int inflight() {
        return maxInflight - inflight.availablePermits();
    }

    /** One function's limit; replaced when the registration's limit changes. */
    private record FunctionLimit(int max, Semaphore permits) {}
}
