package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import java.time.Instant;

/**
 * The outcome of one function call, in the original project's field names.
 *
 * @param success        whether the function answered 2xx with a readable body
 * @param requestId      the {@code X-Request-ID} sent to the function
 * @param functionName   the function
 * @param durationMillis time from call to answer
 * @param data           the function's answer: JSON when it sent JSON, else text; null on failure
 * @param error          what went wrong, or null
 * @param code           {@link Outcome} code on failure, or null
 * @param functionStatus the function's HTTP status, or 0 when it did not answer
 */
public record InvocationResult(
        boolean success,
        String requestId,
        String functionName,
        long durationMillis,
        JsonNode data,
        String error,
        Outcome code,
        int functionStatus) {

    /** How a call ended; failure codes are the API's error codes. */
    public enum Outcome {
        SUCCESS,
        EXECUTION_ERROR,
        TIMEOUT,
        /** The answer did not fit in {@code MAX_RESPONSE_BYTES_IN_FLIGHT}: the replica is short of memory, retry. */
        TOO_MANY_RESPONSE_BYTES
    }

    /** @return the outcome */
    public Outcome outcome() {
        return success ? Outcome.SUCCESS : code;
    }

    /** @return the JSON answer of a sync call and the data of a {@code function_response} event */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("success", success);
        json.put("request_id", requestId);
        json.put("function_name", functionName);
        json.put("duration_ms", durationMillis);
        if (success) {
            json.set("data", data);
        } else {
            json.put("error", error);
            json.put("code", code.name());
            if (functionStatus > 0) {
                json.put("function_status", functionStatus);
            }
        }
        json.put("timestamp", Instant.now().getEpochSecond());
        return json;
    }
}
