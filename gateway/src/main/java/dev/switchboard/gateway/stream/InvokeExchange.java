package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.api.Invocations;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /invoke/{function}} on the stream listener: {@link Invocations}, which serves the public listener's
 * calls too, over the connection's exchange, with the same CORS headers and the same JSON errors as the public
 * listener gives (its {@code ErrorHandling}). A client that keeps its connection calls again without a new thread.
 */
final class InvokeExchange {
    private static final Logger LOGGER = Logger.getLogger(InvokeExchange.class.getName());

    private final Invocations invocations;
    private final CorsPolicy cors;
    private final GatewayMetrics metrics;
    private final RateLimitedLog failures = new RateLimitedLog(
            LOGGER, Level.SEVERE, "unexpected error serving POST /invoke", Duration.ofMinutes(1), System::nanoTime);

    /**
     * @param invocations serves the calls
     * @param cors        the route's CORS policy ({@code SSE_CORS_ORIGINS}, as on the public listener)
     * @param metrics     counts state store failures and error answers
     */
    InvokeExchange(Invocations invocations, CorsPolicy cors, GatewayMetrics metrics) {
        this.invocations = invocations;
        this.cors = cors;
        this.metrics = metrics;
    }

    /**
     * @param headers a request's headers
     * @return the CORS headers of its answer on the route
     */
    Map<String, String> corsHeaders(Headers headers) {
        return cors.response(headers.first(HeaderNames.ORIGIN));
    }

    /**
     * @param headers a preflight's headers
     * @return the headers to answer it with; none when its origin may not call
     */
    Map<String, String> preflightHeaders(Headers headers) {
        return cors.preflight(
                headers.first(HeaderNames.ORIGIN), headers.first(HeaderNames.create("Access-Control-Request-Headers")));
    }

    /**
     * Serves an admitted call.
     *
     * @param exchange the request and its answer; its identity set by admission
     * @param function the {@code function} of the path
     */
    void serve(SocketExchange exchange, String function) {
        Invocations.Answer answer;
        try {
            answer = invocations.invoke(new Invocations.Call(
                    function,
                    exchange.headers().first(HeaderNames.CONTENT_TYPE),
                    exchange::body,
                    exchange.identity(),
                    exchange::header));
        } catch (ApiException e) {
            metrics.errorAnswered(e.code(), e.status().code(), "/invoke/" + function);
            exchange.sendError(e);
            return;
        } catch (StoreUnavailableException e) {
            metrics.redisError();
            LOGGER.log(Level.WARNING, "state store unavailable: {0}", e.getMessage());
            metrics.errorAnswered("STATE_UNAVAILABLE", 503, "/invoke/" + function);
            exchange.sendError(ErrorHandling.stateUnavailable());
            return;
        } catch (UncheckedIOException e) {
            throw e; // the client is gone: nothing to answer
        } catch (RuntimeException e) {
            failures.log(e);
            metrics.errorAnswered("INTERNAL_ERROR", 500, "/invoke/" + function);
            exchange.sendError(ErrorHandling.internalError());
            return;
        }
        exchange.sendApiJson(answer.status(), answer.json());
    }
}
