package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The gateway's explicit limits; each maps to the environment variable of the same meaning. Unset: the gateway's default. */
public class GatewayLimits {
    /** {@code MAX_BODY_SIZE}. */
    @Pattern("^[0-9]+([kKmMgG]i?[bB]?)?$")
    @JsonPropertyDescription("Largest request body, e.g. 1MiB (MAX_BODY_SIZE).")
    private String maxBodySize;
    /** {@code STREAM_QUEUE_DEPTH}. */
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Events queued per stream before it is cut (STREAM_QUEUE_DEPTH).")
    private Integer streamQueueDepth;
    /** {@code MAX_CONNECTIONS_PER_CLIENT}. */
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Streams per client id (MAX_CONNECTIONS_PER_CLIENT).")
    private Integer maxConnectionsPerClient;
    /** {@code MAX_CONNECTIONS}. */
    @Min(1)
    @Max(10000000)
    @JsonPropertyDescription("Streams per replica (MAX_CONNECTIONS).")
    private Integer maxConnections;
    /** {@code EVENT_LOG_MAX_LENGTH}. */
    @Min(1)
    @Max(10000000)
    @JsonPropertyDescription("Events kept per client for replay (EVENT_LOG_MAX_LENGTH).")
    private Integer eventLogMaxLength;
    /** {@code EVENT_LOG_TTL}. */
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long replayable events are kept, e.g. 1h (EVENT_LOG_TTL).")
    private String eventLogTtl;
    /** {@code MCP_STREAM_LOG_TTL}. */
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long an answered MCP call's stream log is kept for a resume, e.g. 2m; the logs grow "
            + "with the call rate times this (MCP_STREAM_LOG_TTL).")
    private String mcpStreamLogTtl;
    /** {@code MAX_INFLIGHT_INVOCATIONS}. */
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Concurrent function calls per replica (MAX_INFLIGHT_INVOCATIONS).")
    private Integer maxInflightInvocations;
    /** {@code MAX_EVENT_SIZE}. */
    @Pattern("^[0-9]+([kKmMgG]i?[bB]?)?$")
    @JsonPropertyDescription("Largest event on a stream, e.g. 256KiB (MAX_EVENT_SIZE).")
    private String maxEventSize;
    /** {@code MAX_MCP_SESSIONS}. */
    @Min(1)
    @Max(100000000)
    @JsonPropertyDescription("MCP sessions per gateway (MAX_MCP_SESSIONS).")
    private Integer maxMcpSessions;
    /** {@code MAX_JSON_DEPTH}. */
    @Min(2)
    @Max(256)
    @JsonPropertyDescription("Deepest JSON nesting accepted in a request (MAX_JSON_DEPTH).")
    private Integer maxJsonDepth;

    public Integer getMaxJsonDepth() {
        return maxJsonDepth;
    }

    public void setMaxJsonDepth(Integer maxJsonDepth) {
        this.maxJsonDepth = maxJsonDepth;
    }

    public Integer getMaxMcpSessions() {
        return maxMcpSessions;
    }

    public void setMaxMcpSessions(Integer maxMcpSessions) {
        this.maxMcpSessions = maxMcpSessions;
    }

    public String getMaxEventSize() {
        return maxEventSize;
    }

    public void setMaxEventSize(String maxEventSize) {
        this.maxEventSize = maxEventSize;
    }

    public String getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(String maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public Integer getStreamQueueDepth() {
        return streamQueueDepth;
    }

    public void setStreamQueueDepth(Integer streamQueueDepth) {
        this.streamQueueDepth = streamQueueDepth;
    }

    public Integer getMaxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public void setMaxConnectionsPerClient(Integer maxConnectionsPerClient) {
        this.maxConnectionsPerClient = maxConnectionsPerClient;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getEventLogMaxLength() {
        return eventLogMaxLength;
    }

    public void setEventLogMaxLength(Integer eventLogMaxLength) {
        this.eventLogMaxLength = eventLogMaxLength;
    }

    public String getEventLogTtl() {
        return eventLogTtl;
    }

    public void setEventLogTtl(String eventLogTtl) {
        this.eventLogTtl = eventLogTtl;
    }

    public String getMcpStreamLogTtl() {
        return mcpStreamLogTtl;
    }

    public void setMcpStreamLogTtl(String mcpStreamLogTtl) {
        this.mcpStreamLogTtl = mcpStreamLogTtl;
    }

    public Integer getMaxInflightInvocations() {
        return maxInflightInvocations;
    }

    public void setMaxInflightInvocations(Integer maxInflightInvocations) {
        this.maxInflightInvocations = maxInflightInvocations;
    }
}
