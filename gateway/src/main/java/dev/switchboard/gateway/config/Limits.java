package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * The gateway's explicit limits, each configurable (see README's configuration table).
 *
 * @param maxBodySize             largest request body accepted, bytes (413 beyond)
 * @param streamQueueDepth        events queued for one slow stream before it is disconnected
 * @param maxConnectionsPerClient open SSE connections one client id may hold on one replica (429 beyond)
 * @param maxConnections          open SSE connections one replica holds (503 beyond)
 * @param eventLogMaxLength       events kept per client for replay
 * @param eventLogTtl             how long an idle client's event log is kept
 * @param maxResponseSize         largest function answer read, bytes
 * @param maxInflightInvocations  function calls in flight on one replica (503 beyond)
 * @param maxEventSize            largest async result delivered as one event, bytes (a larger one becomes an error
 *                                event: it would be copied to Redis and to every stream of the client)
 * @param maxMcpSessions          MCP sessions open in the fleet (503 for a new one beyond)
 * @param maxJsonDepth            deepest nesting of a public request's JSON body (400 beyond)
 * @param maxResponseBytesInFlight bytes of function answers held at once on one replica (503 beyond)
 * @param maxTopicsPerStream      topics one {@code /sse} stream may follow (400 beyond)
 * @param maxMcpSubscriptions     resource URIs one MCP session may subscribe to (JSON-RPC error beyond)
 * @param mcpStreamLogTtl         how long an answered MCP POST stream's log is kept for a resume
 * @param asyncDeliveryTimeout    how long an accepted async result is retried against an unreachable state store
 * @param memoryStoreMaxBytes     event bytes the in-memory store keeps, as estimated (the oldest go first beyond)
 */
public record Limits(
        long maxBodySize,
        int streamQueueDepth,
        int maxConnectionsPerClient,
        int maxConnections,
        int eventLogMaxLength,
        Duration eventLogTtl,
        long maxResponseSize,
        int maxInflightInvocations,
        long maxEventSize,
        int maxMcpSessions,
        int maxJsonDepth,
        long maxResponseBytesInFlight,
        int maxTopicsPerStream,
        int maxMcpSubscriptions,
        Duration mcpStreamLogTtl,
        Duration asyncDeliveryTimeout,
        long memoryStoreMaxBytes) {}
