package dev.switchboard.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Why a client's JSON was refused, each limit with its own error code, so that a long number is not
 * reported as deep nesting. Jackson tells its limits apart only in the message, which names the
 * constraint's getter; {@code JsonRefusalTest} pins that for the Jackson in use.
 */
public enum JsonRefusal {
    /** Nested deeper than the mapper's bound. */
    TOO_DEEP("JSON_TOO_DEEP"),
    /** A number longer than {@link JsonMapper#MAX_NUMBER_LENGTH}. */
    NUMBER_TOO_LONG("JSON_NUMBER_TOO_LONG"),
    /** A key longer than {@link JsonMapper#MAX_NAME_LENGTH}, or a string longer than Jackson's bound. */
    STRING_TOO_LONG("JSON_STRING_TOO_LONG"),
    /** An object with the same key twice. */
    DUPLICATE_KEY("JSON_DUPLICATE_KEY"),
    /** Anything else: not JSON. */
    INVALID("INVALID_JSON");

    private final String code;

    JsonRefusal(String code) {
        this.code = code;
    }

    /** @return the API's error code */
    public String code() {
        return code;
    }

    /**
     * @param failure what a mapper from {@link JsonMapper#forRequestBodies} threw
     * @return why
     */
    public static JsonRefusal of(JsonProcessingException failure) {
        String message = failure.getOriginalMessage() == null ? "" : failure.getOriginalMessage();
        if (failure instanceof StreamConstraintsException) {
            if (message.contains("getMaxNestingDepth")) {
                return TOO_DEEP;
            }
            if (message.contains("getMaxNumberLength")) {
                return NUMBER_TOO_LONG;
            }
            if (message.contains("getMaxStringLength") || message.contains("getMaxNameLength")) {
                return STRING_TOO_LONG;
            }
            return INVALID;
        }
        return message.startsWith("Duplicate field ") ? DUPLICATE_KEY : INVALID;
    }

    /**
     * @param failure what a mapper threw
     * @return the repeated key, shortened to 64 characters, or empty when this is not a duplicate key
     */
    public static String duplicateKey(JsonProcessingException failure) {
        String message = failure.getOriginalMessage() == null ? "" : failure.getOriginalMessage();
        if (!message.startsWith("Duplicate field '") || !message.endsWith("'")) {
            return "";
        }
        String key = message.substring("Duplicate field '".length(), message.length() - 1);
        return key.length() > 64 ? key.substring(0, 64) + "…" : key;
    }
}
