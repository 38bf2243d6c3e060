package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.mcp.McpEndpoint;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import dev.switchboard.gateway.trace.TracingFilter;

/**
 * What every event loop of a listener serves with, the same for each loop of each port: {@link StreamLoops} builds
 * it once and starts each loop ({@link StreamListener#start}) with it.
 *
 * @param caps      the caps all loops count against
 * @param streams   opens and ends streams
 * @param mcp       opens MCP standalone streams ({@code GET /mcp/{name}})
 * @param endpoint  serves the rest of {@code /mcp/{name}} (POST, DELETE, a POST stream's resume)
 * @param api       serves {@code POST /invoke/{function}}, the publishes and the resource metadata
 * @param admission the admission pipeline (its budgets shared by every port)
 * @param settings  head and keep-alive time-outs, per-address caps
 * @param tracing   server spans of MCP POSTs and DELETEs
 * @param threads   serve the connections handed off to {@link BlockingExchanges} (shared by the loops)
 */
record LoopParts(
        ListenerCaps caps,
        ClientStreamService streams,
        McpStreamOpener mcp,
        McpEndpoint endpoint,
        ApiRoutes api,
        Admission admission,
        StreamLoops.Settings settings,
        TracingFilter tracing,
        ExchangeThreads threads) {}
