package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.api.JsonAnswer;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.registry.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends an API route's answer over the event loops' exchange, or its refusal as the JSON error the admin
 * listener's {@code ErrorHandling} gives: a route's own refusal as it says, an unreachable state store as 503
 * {@code STATE_UNAVAILABLE}, anything unexpected as 500 {@code INTERNAL_ERROR} (logged, never its stack trace).
 */
final class JsonAnswers {
    private static final Logger LOGGER = Logger.getLogger(JsonAnswers.class.getName());

    private final GatewayMetrics metrics;
    private final RateLimitedLog failures = new RateLimitedLog(
            LOGGER, Level.SEVERE, "unexpected error serving an API request", Duration.ofMinutes(1), System::nanoTime);
    private final RateLimitedLog storeFailures = ErrorHandling.storeFailures(LOGGER);

    /** @param metrics counts state store failures and error answers */
    JsonAnswers(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param exchange the request and its answer
     * @param where    the route, for the error answers' record ({@code /invoke/echo})
     * @param work     serves the request
     */
    void send(SocketExchange exchange, String where, Supplier<JsonAnswer> work) {
        JsonAnswer answer;
        try {
            answer = work.get();
        } catch (ApiException e) {
            metrics.errorAnswered(e.code(), e.status().code(), where);
            exchange.sendError(e);
            return;
        } catch (StoreUnavailableException e) {
            metrics.redisError();
            storeFailures.log(e);
            ApiException refusal = ErrorHandling.storeRefusal(e);
            metrics.errorAnswered(refusal.code(), 503, where);
            exchange.sendError(refusal);
            return;
        } catch (UncheckedIOException e) {
            throw e; // the client is gone: nothing to answer
        } catch (RuntimeException e) {
            failures.log(e);
            metrics.errorAnswered("INTERNAL_ERROR", 500, where);
            exchange.sendError(ErrorHandling.internalError());
            return;
        }
        exchange.sendApiJson(answer.status(), answer.json());
    }
}
