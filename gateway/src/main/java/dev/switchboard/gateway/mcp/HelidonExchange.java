package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;

/** An exchange on the public listener: Helidon's request and response ({@link McpExchange}). */
final class HelidonExchange extends McpExchange {
    private final ServerRequest req;
    private final ServerResponse res;

    private HelidonExchange(ServerRequest req, ServerResponse res) {
        this.req = req;
        this.res = res;
    }

    /**
     * @return the request's exchange; each route makes it once and hands it on (no lookup in the request's
     *     context: a request reaches one MCP route only)
     */
    static HelidonExchange of(ServerRequest req, ServerResponse res) {
        return new HelidonExchange(req, res);
    }

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String server() {
        return req.path().pathParameters().get("name");
    }

    @Override
    public java.util.Optional<String> query(String name) {
        return req.query().first(name).asOptional();
    }

    @Override
    public Headers headers() {
        return req.headers();
    }

    @Override
    public Identity identity() {
        return AdmissionFilters.identity(req);
    }

    @Override
    public byte[] body(long maxSize) {
        return Json.readBody(req, maxSize);
    }

    @Override
    public void status(Status status) {
        res.status(status);
    }

    @Override
    public void header(String name, String value) {
        res.header(HeaderNames.create(name), value);
    }

    @Override
    public void send(byte[] body) {
        res.send(body);
    }

    @Override
    public OutputStream outputStream() {
        return res.outputStream();
    }

    @Override
    public boolean isSent() {
        return res.isSent();
    }
}
