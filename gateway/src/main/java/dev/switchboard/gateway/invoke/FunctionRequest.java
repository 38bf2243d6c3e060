package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.invoke.http1.CallControl;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One request to a function, as {@link FunctionEngine#send} sends it. The engine assembles the headers in one
 * place, in this order: {@code defaults}, {@code registrationHeaders}, {@code gatewayHeaders}, then
 * {@code contentType} for a body; a later header of the same name replaces an earlier one, null values are
 * not sent.
 *
 * @param method              HTTP method
 * @param uri                 the function's URI
 * @param defaults            headers the registration may replace ({@code Accept}, ...)
 * @param registrationHeaders the registration's {@code headers}
 * @param gatewayHeaders      the gateway's own headers, final ({@code X-Request-ID}, identity, MCP headers)
 * @param body                the body, or null
 * @param contentType         the body's type, final (null: whatever the other headers say)
 * @param readTimeout         bound of one socket read
 * @param control             the call's deadline, idle action and abort, or null (the read timeout alone bounds it)
 */
public record FunctionRequest(
        String method,
        URI uri,
        Map<String, String> defaults,
        Map<String, String> registrationHeaders,
        Map<String, String> gatewayHeaders,
        byte[] body,
        String contentType,
        Duration readTimeout,
        CallControl control) {
    /** A request bounded by its read timeout alone. */
    public FunctionRequest(
            String method,
            URI uri,
            Map<String, String> defaults,
            Map<String, String> registrationHeaders,
            Map<String, String> gatewayHeaders,
            byte[] body,
            String contentType,
            Duration readTimeout) {
        this(method, uri, defaults, registrationHeaders, gatewayHeaders, body, contentType, readTimeout, null);
    }
}
