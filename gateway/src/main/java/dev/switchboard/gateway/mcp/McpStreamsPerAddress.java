package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Counts MCP streams against {@code MAX_STREAMS_PER_IP}, as {@code /sse} streams are: every {@code GET} on an
 * MCP route holds a stream (standalone, resumed, HTTP+SSE) or is refused at once. Helidon runs a handler on
 * its request's own thread until the response ends, so the place is held exactly for the stream's life. A refusal
 * is a JSON-RPC error (429, {@code -32000}), as the stream listener writes it.
 */
public final class McpStreamsPerAddress implements Filter {
    private final AddressLimits limits;

    /** @param limits the per-address stream counts shared with {@code /sse} */
    public McpStreamsPerAddress(AddressLimits limits) {
        this.limits = limits;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.prologue().method() != Method.GET
                || !McpCors.isMcpRoute(req.path().path())) {
            chain.proceed();
            return;
        }
        String address = limits.client(req.remotePeer().address(), req.headers());
        try {
            limits.acquireStream(address);
        } catch (ApiException refused) {
            // a JSON-RPC error, as every refusal on an MCP route (no id: a GET carries no request)
            Json.send(res, refused.status(), JsonRpc.error(null, JsonRpc.GATEWAY_ERROR, refused.getMessage()));
            return;
        }
        try {
            chain.proceed();
        } finally {
            limits.releaseStream(address);
        }
    }
}
