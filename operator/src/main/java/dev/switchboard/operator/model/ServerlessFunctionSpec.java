package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Desired state of a function registration; the resource's name is the function's name. */
public class ServerlessFunctionSpec {
    /** How the gateway talks to the function. */
    public enum Kind {
        @JsonProperty("http")
        HTTP,
        @JsonProperty("mcp")
        MCP
    }

    /** Client credentials the function requires; {@code default} follows the gateway's {@code CLIENT_AUTH}. */
    public enum Auth {
        @JsonProperty("default")
        DEFAULT,
        @JsonProperty("none")
        NONE,
        @JsonProperty("api-key")
        API_KEY,
        @JsonProperty("jwt")
        JWT
    }

    /** HTTP methods a function may be called with. */
    public enum Method {
        GET,
        POST,
        PUT,
        PATCH,
        DELETE
    }

    @Required
    @JsonPropertyDescription("The SseGateway (same namespace) this function is registered with.")
    private GatewayRef gatewayRef;

    @Required
    @Pattern("^https?://[^\\s/?#@]+([/?][^\\s#]*)?$")
    @JsonPropertyDescription("http(s) URL the gateway calls.")
    private String endpoint;

    @Default("http")
    @JsonPropertyDescription(
            "How the gateway talks to the function: http (one request per call) or mcp (a remote MCP " + "server).")
    private Kind kind = Kind.HTTP;

    @Default("POST")
    @JsonPropertyDescription("HTTP method of calls.")
    private Method method = Method.POST;

    @Default("30s")
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Time a call may take, e.g. 30s.")
    private String timeout = "30s";

    @Size(max = 64)
    @JsonPropertyDescription("Headers the gateway adds to every call.")
    private List<FunctionHeader> headers = new ArrayList<>();

    @JsonPropertyDescription("Periodic probe of the function; unset: none.")
    private HealthCheckSpec healthCheck;

    @Min(1)
    @Max(100000)
    @JsonPropertyDescription("Concurrent calls to this function per gateway replica; unset: unlimited.")
    private Integer maxConcurrency;

    @JsonPropertyDescription("Retries of failed calls, where safe; unset: none.")
    private RetrySpec retry;

    @Size(max = 1024)
    @JsonPropertyDescription("What the function does, shown to clients (MCP tool description).")
    private String description;

    @Default("default")
    @JsonPropertyDescription(
            "Client credentials the function requires: default (the gateway's CLIENT_AUTH), none, api-key or " + "jwt.")
    private Auth auth = Auth.DEFAULT;

    public Auth getAuth() {
        return auth;
    }

    public void setAuth(Auth auth) {
        this.auth = auth;
    }

    public GatewayRef getGatewayRef() {
        return gatewayRef;
    }

    public void setGatewayRef(GatewayRef gatewayRef) {
        this.gatewayRef = gatewayRef;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public Kind getKind() {
        return kind;
    }

    public void setKind(Kind kind) {
        this.kind = kind;
    }

    public Method getMethod() {
        return method;
    }

    public void setMethod(Method method) {
        this.method = method;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public List<FunctionHeader> getHeaders() {
        return headers;
    }

    public void setHeaders(List<FunctionHeader> headers) {
        this.headers = headers;
    }

    public HealthCheckSpec getHealthCheck() {
        return healthCheck;
    }

    public void setHealthCheck(HealthCheckSpec healthCheck) {
        this.healthCheck = healthCheck;
    }

    public Integer getMaxConcurrency() {
        return maxConcurrency;
    }

    public void setMaxConcurrency(Integer maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
    }

    public RetrySpec getRetry() {
        return retry;
    }

    public void setRetry(RetrySpec retry) {
        this.retry = retry;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }
}
