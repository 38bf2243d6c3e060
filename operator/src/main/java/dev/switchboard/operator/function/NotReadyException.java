package dev.switchboard.operator.function;

/**
 * Why a function cannot be registered now: a condition reason and a message for people. Expected outcomes
 * (missing references, bad input, Redis away) travel as this exception to become status, not stack traces.
 * Messages never hold secret values.
 */
final class NotReadyException extends Exception {
    private final String reason;

    /**
     * @param reason  one of {@link Reasons}
     * @param message what is wrong and what to do, without secret values
     */
    NotReadyException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** @return the condition reason */
    String reason() {
        return reason;
    }
}
