package dev.switchboard.gateway.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon's own refusals (a request head or framing it cannot read, before any route runs) answered with
 * the documented JSON error instead of an empty body, on every Helidon listener. These are the client's
 * mistakes: they are logged at FINE only (Helidon logs each cause at FINE under
 * {@code io.helidon.webserver.http1.Http1Connection}, see {@link #install}).
 */
public final class TransportErrors implements DirectHandler {
    private static final Logger LOGGER = Logger.getLogger(TransportErrors.class.getName());
    static final Status HEAD_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    /** The listener's body limit, said in its 413 answers as the public listener says it. */
    private final long maxBodySize;

    private TransportErrors(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /**
     * Installs the handler for every transport event on a listener, and makes Helidon log each refusal's
     * cause at FINE (it would otherwise log a client's unparseable method at WARNING, as a 500).
     *
     * @param listener    the listener's builder (the server's own for the default listener)
     * @param maxBodySize the listener's {@code maxPayloadSize}: a larger body is refused here, declared or chunked
     */
    public static void install(ListenerConfig.BuilderBase<?, ?> listener, long maxBodySize) {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        TransportErrors handler = new TransportErrors(maxBodySize);
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, handler);
        }
        listener.directHandlers(handlers.build())
                .errorHandling(e -> e.includeEntity(false).logAllMessages(true));
    }

    /**
     * The documented error for a refusal Helidon reports by status.
     *
     * @param status  the status Helidon chose
     * @param message what to say when nothing more specific applies
     * @return the error to send
     */
    public static ApiException refusal(Status status, String message) {
        return switch (status.code()) {
            case 413 -> new ApiException(status, "PAYLOAD_TOO_LARGE", "request body too large");
            case 414 -> new ApiException(status, "URI_TOO_LONG", "request line too long");
            case 431 -> new ApiException(HEAD_TOO_LARGE, "HEAD_TOO_LARGE", "request head too large");
            case 505 -> new ApiException(status, "HTTP_VERSION_NOT_SUPPORTED", "only HTTP/1.1 is served");
            // e.g. 501 for CONNECT to an IP-future literal: the client's request, not the server's failure
            default ->
                status.code() >= 400 && status.code() < 500
                        ? new ApiException(status, "BAD_REQUEST", message)
                        : new ApiException(Status.BAD_REQUEST_400, "BAD_REQUEST", message);
        };
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status status,
            ServerResponseHeaders headers,
            String message) {
        ApiException error;
        if (eventType == EventType.INTERNAL_ERROR && !request.method().isEmpty()) {
            // a request that was read whole, and failed past our error handlers: the server's failure,
            // which Helidon logs at WARNING
            error = ErrorHandling.internalError();
        } else if (eventType == EventType.INTERNAL_ERROR) {
            // the connection loop failed before a request line was read whole: a method Helidon cannot
            // parse, or a client gone mid-head; 500 would blame the server (and be logged at WARNING)
            error = refusal(Status.BAD_REQUEST_400, "malformed HTTP request line, or the request ended early");
        } else if (eventType == EventType.HTTP_VERSION_NOT_SUPPORTED) {
            error = refusal(Status.HTTP_VERSION_NOT_SUPPORTED_505, "");
        } else if (status.code() == 413) {
            error = Json.tooLarge(maxBodySize);
        } else {
            error = refusal(status, "malformed HTTP request: request line, header or body framing");
        }
        LOGGER.log(
                Level.FINE,
                () -> "refused at the transport: " + eventType + " " + status.code() + " -> "
                        + error.status().code() + " " + error.code());
        return TransportResponse.builder()
                .status(error.status())
                .headers(headers)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .header(Json.NO_CACHE)
                .keepAlive(false)
                .entity(Json.write(Json.errorBody(error)).getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
