package dev.switchboard.gateway.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Admission} on a Helidon listener, as two filters because the routes' CORS filters sit between
 * them: {@link #perAddress()} first (no work is done for a client over its budget), then the CORS
 * filters (preflights are answered there, and refusals after them carry CORS headers), then
 * {@link #credentials()}, which hands the {@link Identity} on in the request context. Refusals are JSON
 * errors; the credential refusals under the JSON-RPC prefix ({@code /mcp/}) are JSON-RPC errors.
 */
public final class AdmissionFilters {
    private final Admission admission;
    private final String jsonRpcPrefix;
    private final Function<String, JsonNode> jsonRpcError;

    /**
     * @param admission     the pipeline
     * @param jsonRpcPrefix paths whose credential refusals are JSON-RPC errors
     * @param jsonRpcError  the JSON-RPC error body of a refusal's message
     */
    public AdmissionFilters(Admission admission, String jsonRpcPrefix, Function<String, JsonNode> jsonRpcError) {
        this.admission = admission;
        this.jsonRpcPrefix = jsonRpcPrefix;
        this.jsonRpcError = jsonRpcError;
    }

    /**
     * @param req a request that passed {@link #credentials()}
     * @return who sent it
     */
    public static Identity identity(ServerRequest req) {
        return req.context().get(Identity.class).orElse(Identity.ANONYMOUS);
    }

    /** @return the per-address limit, first in the routing */
    public Filter perAddress() {
        return (chain, req, res) -> {
            Optional<Refusal> refusal = admission.perAddress(req.remotePeer().address(), req.headers());
            if (refusal.isEmpty()) {
                chain.proceed();
                return;
            }
            headers(res, refusal.get());
            Json.sendError(res, refusal.get().error());
        };
    }

    /** @return preflights, authentication and the per-identity limit, after the CORS filters */
    public Filter credentials() {
        return (chain, req, res) -> {
            String path = req.path().path();
            switch (admission.credentials(req.prologue().method().text(), path, req.headers())) {
                case Verdict.Preflight p -> chain.proceed();
                case Verdict.Admitted admitted -> {
                    // an anonymous caller is what identity() answers when nothing is registered: no entry
                    if (admitted.identity() != Identity.ANONYMOUS) {
                        req.context().register(admitted.identity());
                    }
                    chain.proceed();
                }
                case Verdict.Refused refused -> {
                    Refusal refusal = refused.refusal();
                    headers(res, refusal);
                    if (path.startsWith(jsonRpcPrefix)) {
                        Json.send(res, refusal.status(), jsonRpcError.apply(refusal.message()));
                    } else {
                        Json.sendError(res, refusal.error());
                    }
                }
            }
        };
    }

    private static void headers(RoutingResponse res, Refusal refusal) {
        refusal.headers().forEach((name, value) -> res.header(HeaderNames.create(name), value));
    }
}
