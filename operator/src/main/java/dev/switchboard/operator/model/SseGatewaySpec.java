package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** Desired state of a gateway fleet. */
public class SseGatewaySpec {
    /**
     * Gateway replicas. Unset: the operator leaves the Deployment's count to whoever scales it (an HPA on the
     * Deployment, {@code kubectl scale deployment}); set, it is kept, and the SseGateway's scale subresource
     * ({@code kubectl scale sgw}, an HPA on the SseGateway) sets it.
     */
    @Min(0)
    @Max(100)
    @SpecReplicas
    @JsonPropertyDescription(
            "Gateway replicas. Unset: the Deployment's count is left to whoever scales it (an HPA on the "
                    + "Deployment); set, it is kept, and the scale subresource (kubectl scale sgw, an HPA on the "
                    + "SseGateway) sets it.")
    private Integer replicas;
    /** Gateway image; the operator's default image when unset. */
    @JsonPropertyDescription("Gateway image; the operator's default image when unset.")
    private String image;

    @Required
    @JsonPropertyDescription("Where the gateway keeps its shared state.")
    private RedisSpec redis;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Time between heartbeats on every stream, e.g. 15s (HEARTBEAT_INTERVAL).")
    private String heartbeatInterval;
    /** Idle time after which an MCP session expires ({@code SESSION_TTL}). */
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Idle time after which an MCP session expires, e.g. 30m (SESSION_TTL).")
    private String sessionTtl;

    @JsonPropertyDescription("Explicit gateway limits; unset fields keep the gateway's defaults.")
    private GatewayLimits limits;

    @JsonPropertyDescription(
            "CPU and memory requests and limits of each gateway container. Without a memory limit, the operator "
                    + "sets one: the memory request, or 1Gi (the JVM sizes its heap from it).")
    private ResourceRequirements resources;

    @JsonPropertyDescription("How the gateway's public and stream listeners are exposed.")
    private ServiceSpec service;
    /** Secret key holding the admin API's bearer token; unset, the operator generates {@code <name>-admin-token}. */
    @JsonPropertyDescription(
            "Secret key holding the admin API's bearer token; unset, the operator generates " + "<name>-admin-token.")
    private SecretKeyRef adminTokenSecretRef;

    /**
     * Non-public networks (CIDR) functions may be called in ({@code FUNCTION_ALLOWED_NETWORKS}); unset means
     * the private ranges, never link-local (cloud metadata) or loopback.
     */
    @JsonPropertyDescription(
            "Non-public networks (CIDR) functions may be called in (FUNCTION_ALLOWED_NETWORKS); unset: the "
                    + "private ranges, never link-local (cloud metadata) or loopback.")
    private java.util.List<@Pattern("^[0-9a-fA-F:.]+(/[0-9]{1,3})?$") String> allowedFunctionNetworks;
    /** Client authentication; unset, clients need no credentials (functions may still require them). */
    @JsonPropertyDescription(
            "Client authentication; unset, clients need no credentials (functions may still require them).")
    private GatewayClientAuth clientAuth;
    /** Scheduling, identity and extras of the gateway pods (pull secrets, node placement, ServiceAccount, env, volumes). */
    @JsonPropertyDescription(
            "Scheduling, identity and extras of the gateway pods: "
                    + "image pull secrets, node selector, tolerations, affinity, topology spread, ServiceAccount, env, volumes.")
    private GatewayPodSettings podTemplate;

    public GatewayPodSettings getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(GatewayPodSettings podTemplate) {
        this.podTemplate = podTemplate;
    }

    public GatewayClientAuth getClientAuth() {
        return clientAuth;
    }

    public void setClientAuth(GatewayClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    public java.util.List<String> getAllowedFunctionNetworks() {
        return allowedFunctionNetworks;
    }

    public void setAllowedFunctionNetworks(java.util.List<String> allowedFunctionNetworks) {
        this.allowedFunctionNetworks = allowedFunctionNetworks;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public RedisSpec getRedis() {
        return redis;
    }

    public void setRedis(RedisSpec redis) {
        this.redis = redis;
    }

    public String getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(String heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public String getSessionTtl() {
        return sessionTtl;
    }

    public void setSessionTtl(String sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    public GatewayLimits getLimits() {
        return limits;
    }

    public void setLimits(GatewayLimits limits) {
        this.limits = limits;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public ServiceSpec getService() {
        return service;
    }

    public void setService(ServiceSpec service) {
        this.service = service;
    }

    public SecretKeyRef getAdminTokenSecretRef() {
        return adminTokenSecretRef;
    }

    public void setAdminTokenSecretRef(SecretKeyRef adminTokenSecretRef) {
        this.adminTokenSecretRef = adminTokenSecretRef;
    }
}
