package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the gateway's public listener is exposed. */
public class ServiceSpec {
    /** Kubernetes Service types the operator creates. */
    public enum Type {
        @JsonProperty("ClusterIP")
        CLUSTER_IP,
        @JsonProperty("NodePort")
        NODE_PORT,
        @JsonProperty("LoadBalancer")
        LOAD_BALANCER
    }

    @Default("ClusterIP")
    @JsonPropertyDescription("Service type of the public listener: ClusterIP, NodePort or LoadBalancer.")
    private Type type = Type.CLUSTER_IP;

    @Default("80")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Service port of the public listener.")
    private Integer port = 80;
    /**
     * Service port of the public listener's second port ({@code STREAM_PORT}): every public route, as on the
     * {@code http} port, for clients given this one.
     */
    @Default("8081")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription(
            "Service port of the gateway's second public port (STREAM_PORT): every public route, as on the http"
                    + " port, for clients given this one.")
    private Integer streamPort = 8081;

    public Integer getStreamPort() {
        return streamPort;
    }

    public void setStreamPort(Integer streamPort) {
        this.streamPort = streamPort;
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }
}
