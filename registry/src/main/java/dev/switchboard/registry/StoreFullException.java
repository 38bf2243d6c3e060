package dev.switchboard.registry;

/**
 * The shared state store (Redis) answers, but refuses writes: it holds its {@code maxmemory} and its policy evicts
 * nothing ({@code noeviction}), or nothing it may evict is left. Unlike an outage it does not pass by itself: what
 * frees memory is the store's expiries, or its operator.
 */
public class StoreFullException extends StoreUnavailableException {
    /**
     * @param message what failed
     * @param cause   the client's error
     */
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param e a Redis client's error
     * @return whether Redis refused the command for want of memory (its {@code OOM} error, from a command or from a
     *     write inside a script)
     */
    static boolean isOutOfMemory(Throwable e) {
        String message = e.getMessage();
        return message != null && (message.startsWith("OOM ") || message.contains(" OOM command not allowed"));
    }
}
