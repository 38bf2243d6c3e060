package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.api.Invocations;
import dev.switchboard.gateway.cors.CorsPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Map;

/**
 * {@code POST /invoke/{function}} on the event loops: {@link Invocations}, which serves the public listener's
 * calls too, over the connection's exchange, with the same CORS headers and the same JSON errors as the public
 * listener gives. A client that keeps its connection calls again without a new thread.
 */
final class InvokeExchange {
    private final Invocations invocations;
    private final CorsPolicy cors;
    private final JsonAnswers answers;

    /**
     * @param invocations serves the calls
     * @param cors        the route's CORS policy ({@code SSE_CORS_ORIGINS})
     * @param answers     sends the answers and refusals
     */
    InvokeExchange(Invocations invocations, CorsPolicy cors, JsonAnswers answers) {
        this.invocations = invocations;
        this.cors = cors;
        this.answers = answers;
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
        // counted until its answer is written: a stopping replica waits for it
        invocations.work().begin();
        try {
            answers.send(
                    exchange,
                    "/invoke/" + function,
                    () -> invocations.invoke(new Invocations.Call(
                            function,
                            exchange.headers().first(HeaderNames.CONTENT_TYPE),
                            exchange::body,
                            exchange.identity(),
                            exchange::header)));
        } finally {
            invocations.work().end();
        }
    }
}
