package dev.switchboard.registry;

/** The shared state store (Redis) could not serve a command. */
public class StoreUnavailableException extends RuntimeException {
    /**
     * @param message what failed
     * @param cause   the client's error
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
