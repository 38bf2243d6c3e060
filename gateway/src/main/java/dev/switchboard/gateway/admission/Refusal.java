package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.http.ApiException;
import io.helidon.http.Status;
import java.util.Map;

/**
 * Why {@link Admission} turned a request away, in the terms every listener answers with: the status, the
 * JSON error code and message, extra JSON fields, and the headers the answer must carry
 * ({@code Retry-After}, {@code WWW-Authenticate}). Each listener renders it its own way.
 *
 * @param status  the HTTP status
 * @param code    the JSON error code
 * @param message what went wrong, for people
 * @param details extra JSON fields of the error body (e.g. {@code retry_after_seconds})
 * @param headers response headers by name
 */
public record Refusal(
        Status status, String code, String message, Map<String, Object> details, Map<String, String> headers) {
    public Refusal {
        details = Map.copyOf(details);
        headers = Map.copyOf(headers);
    }

    /** @return the refusal as the JSON error every route answers with */
    public ApiException error() {
        return new ApiException(status, code, message, details);
    }
}
