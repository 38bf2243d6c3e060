package dev.switchboard.gateway.http;

import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.registry.StoreFullException;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every failure becomes a JSON error: documented ones keep their code, the state store's outage is 503
 * {@code STATE_UNAVAILABLE} (503 {@code STATE_FULL} when it refuses writes at its {@code maxmemory}), anything
 * unexpected is 500 {@code INTERNAL_ERROR} with the detail only in the log.
 */
public final class ErrorHandling {
    private static final Logger LOGGER = Logger.getLogger(ErrorHandling.class.getName());
    /** How often a state store failure that every request meets is logged at most. */
    private static final java.time.Duration STORE_LOG_INTERVAL = java.time.Duration.ofSeconds(10);
    /**
     * Every request that needs Redis fails alike while it is away (or full, at {@code maxmemory}): a line per
     * request would flood the log, so one in {@link #STORE_LOG_INTERVAL} says it, with how many more there were.
     */
    private static final RateLimitedLog STORE_FAILURES = storeFailures(LOGGER);

    private ErrorHandling() {}

    /**
     * Adds the error handlers and the JSON 404 for unknown routes (call last).
     *
     * @param routing      the routing
     * @param onStoreError counts a state store failure (metrics)
     */
    public static void install(HttpRouting.Builder routing, Runnable onStoreError) {
        install(routing, onStoreError, (code, status, path) -> {});
    }

    /** Hears of each error answer the handlers give (the monitoring page's recent problems). */
    @FunctionalInterface
    public interface Answered {
        /**
         * @param code   the error code
         * @param status the HTTP status
         * @param path   the request path, without its query
         */
        void error(String code, int status, String path);
    }

    /**
     * As {@link #install(HttpRouting.Builder, Runnable)}, telling {@code answered} of each error answer.
     *
     * @param routing      the routing
     * @param onStoreError counts a state store failure (metrics)
     * @param answered     hears of each error answer
     */
    public static void install(HttpRouting.Builder routing, Runnable onStoreError, Answered answered) {
        routing.error(ApiException.class, (req, res, e) -> {
                    if (e instanceof UnreadableBodyException || "PAYLOAD_TOO_LARGE".equals(e.code())) {
                        // where the body ends is unknown, or it was left unread: nothing after it may be read as
                        // a request
                        res.header(HeaderValues.CONNECTION_CLOSE);
                    }
                    answered.error(e.code(), e.status().code(), pathOf(req));
                    send(res, e);
                })
                .error(StoreUnavailableException.class, (req, res, e) -> {
                    onStoreError.run();
                    STORE_FAILURES.log(e);
                    ApiException refusal = storeRefusal(e);
                    answered.error(refusal.code(), 503, pathOf(req));
                    send(res, refusal);
                })
                .error(RequestException.class, (req, res, e) -> {
                    String message = e.getMessage() == null ? e.status().reasonPhrase() : e.getMessage();
                    // a framing error met while a handler reads the body: the same codes as at the transport, and
                    // the connection ends with it, as there
                    res.header(HeaderValues.CONNECTION_CLOSE);
                    send(
                            res,
                            e.status().code() < 500
                                    ? TransportErrors.refusal(e.status(), message)
                                    : new ApiException(e.status(), "BAD_REQUEST", message));
                })
                .error(Throwable.class, (req, res, e) -> {
                    LOGGER.log(
                            Level.SEVERE,
                            "unexpected error on " + req.prologue().method() + " " + pathOf(req),
                            e);
                    answered.error("INTERNAL_ERROR", 500, pathOf(req));
                    send(res, internalError());
                })
                .any((req, res) -> Json.sendError(
                        res,
                        new ApiException(
                                Status.NOT_FOUND_404,
                                "NOT_FOUND",
                                "no route for " + req.prologue().method().text() + " " + pathOf(req))));
    }

    /**
     * @param req a request, perhaps routed into a service registered under a prefix
     * @return its whole path, without the query: a service sees its path relative to its prefix
     */
    private static String pathOf(io.helidon.webserver.http.ServerRequest req) {
        return req.path().absolute().path();
    }

    /**
     * @param e a state store failure
     * @return the answer to it, on every listener: 503 {@code STATE_FULL} when the store refused a write for want
     *     of memory (it will not pass by itself), else 503 {@code STATE_UNAVAILABLE}
     */
    public static ApiException storeRefusal(StoreUnavailableException e) {
        return e instanceof StoreFullException ? stateFull() : stateUnavailable();
    }

    /** @return 503 {@code STATE_FULL}: the state store answers but refuses writes, at its {@code maxmemory} */
    public static ApiException stateFull() {
        return new ApiException(
                Status.SERVICE_UNAVAILABLE_503,
                "STATE_FULL",
                "the state store (Redis) is full (maxmemory) and refuses writes; retry later");
    }

    /** @return 503 {@code STATE_UNAVAILABLE}: the answer to a state store failure, on every listener */
    public static ApiException stateUnavailable() {
        return new ApiException(
                Status.SERVICE_UNAVAILABLE_503,
                "STATE_UNAVAILABLE",
                "the state store (Redis) is unavailable; retry later");
    }

    /** @return 500 {@code INTERNAL_ERROR}: the answer to a failure of ours, its detail only in the log */
    public static ApiException internalError() {
        return new ApiException(
                Status.INTERNAL_SERVER_ERROR_500, "INTERNAL_ERROR", "internal error; see the gateway log");
    }

    /**
     * Sends an error answer; a client gone before it is written is no failure of ours. (The response counts
     * as sent once its write began, so Helidon does not answer again, nor log the original error.)
     */
    private static void send(ServerResponse res, ApiException error) {
        try {
            Json.sendError(res, error);
        } catch (ServerConnectionException e) {
            LOGGER.log(Level.FINE, "client gone before its error answer", e);
        }
    }

    /**
     * @param allowed the methods the path supports, e.g. {@code "GET"}
     * @return a handler answering 405 with the {@code Allow} header
     */
    public static io.helidon.webserver.http.Handler methodNotAllowed(String allowed) {
        return (req, res) -> {
            res.header(io.helidon.http.HeaderNames.ALLOW, allowed);
            Json.sendError(
                    res,
                    new ApiException(
                            Status.METHOD_NOT_ALLOWED_405,
                            "METHOD_NOT_ALLOWED",
                            req.prologue().method().text() + " is not allowed here; use " + allowed));
        };
    }

    /**
     * @param logger where to log
     * @return the log of state store failures met by requests, at most one line per {@link #STORE_LOG_INTERVAL}
     */
    public static RateLimitedLog storeFailures(Logger logger) {
        return new RateLimitedLog(
                logger, Level.WARNING, "state store unavailable", STORE_LOG_INTERVAL, System::nanoTime);
    }
}
