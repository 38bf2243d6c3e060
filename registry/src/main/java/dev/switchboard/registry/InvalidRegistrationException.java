package dev.switchboard.registry;

/** A registration refused by validation; names the field at fault. */
public class InvalidRegistrationException extends RuntimeException {
    private final String field;

    /**
     * @param field   JSON field name at fault
     * @param message what is wrong with it
     */
    public InvalidRegistrationException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** @return the JSON field at fault */
    public String field() {
        return field;
    }
}
