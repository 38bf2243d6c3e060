package dev.switchboard.testing.fuzz;

import java.util.List;

/** The gateway's three listeners as fuzz targets, with {@code echo} (HTTP) and {@code tools} (MCP) registered. */
public final class GatewayTargets {
    private static final String HOST = "Host: 127.0.0.1\r\n";

    private GatewayTargets() {}

    /**
     * @param port       the public listener ({@code PORT})
     * @param adminPort  the admin listener ({@code ADMIN_PORT})
     * @param streamPort the stream listener ({@code STREAM_PORT})
     * @return the targets; each probe is a normal request and the status it gets on a healthy gateway
     */
    public static List<WireTarget> of(int port, int adminPort, int streamPort) {
        return List.of(
                new WireTarget(
                        "public",
                        port,
                        List.of(
                                "/invoke/echo",
                                "/invoke/none",
                                "/invoke/tools",
                                "/mcp/tools",
                                "/mcp/none",
                                "/sse/c1",
                                "/sse/c1?app=x&lastEventId=1-1",
                                "/sse/mcp:x",
                                "/",
                                "/health/live"),
                        "POST /invoke/none HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
                                + "Content-Length: 13\r\n\r\n{\"payload\":1}",
                        404),
                new WireTarget(
                        "admin",
                        adminPort,
                        List.of(
                                "/admin/functions",
                                "/admin/functions/echo",
                                "/admin/functions/fz",
                                "/admin/connections",
                                "/admin/sessions",
                                "/admin/health",
                                "/health/ready",
                                "/metrics",
                                "/sse/c1"),
                        "GET /health/live HTTP/1.1\r\n" + HOST + "\r\n",
                        200),
                new WireTarget(
                        "stream",
                        streamPort,
                        List.of("/sse/c1", "/sse/c2?app=x", "/sse/bad%20id", "/sse/mcp:x", "/invoke/echo", "/"),
                        "GET /nowhere HTTP/1.1\r\n" + HOST + "\r\n",
                        404));
    }
}
