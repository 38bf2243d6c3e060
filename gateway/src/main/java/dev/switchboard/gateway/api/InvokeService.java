package dev.switchboard.gateway.api;

import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.NamedSegment;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /invoke/{function}} on the public listener: Helidon's request and response around {@link Invocations}. */
public final class InvokeService {
    private final Invocations invocations;

    /** @param invocations serves the calls */
    public InvokeService(Invocations invocations) {
        this.invocations = invocations;
    }

    /**
     * Adds {@code /invoke/{function}} with its full path, at the top of a listener's routing (not as a service
     * under {@code /invoke}, whose path Helidon would merge into every call's parameters).
     *
     * @param rules the listener's routing
     */
    public void routing(HttpRules rules) {
        NamedSegment function = NamedSegment.of("function").under("/invoke");
        rules.route(Method.POST, function, this::invoke)
                .route(method -> true, function, ErrorHandling.methodNotAllowed("POST"));
    }

    private void invoke(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = invocations.invoke(new Invocations.Call(
                req.path().pathParameters().get("function"),
                req.headers().first(HeaderNames.CONTENT_TYPE),
                maxSize -> Json.readBody(req, maxSize),
                AdmissionFilters.identity(req),
                (name, value) -> res.header(HeaderNames.create(name), value)));
        Json.send(res, answer.status(), answer.json());
    }
}
