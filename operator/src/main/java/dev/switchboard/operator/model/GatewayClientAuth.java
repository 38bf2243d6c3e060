package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/** How a gateway authenticates its clients, and what one identity may do ({@code CLIENT_AUTH} and friends). */
public class GatewayClientAuth {
    /** Credentials a client may present. */
    public enum Method {
        @JsonProperty("api-key")
        API_KEY,
        @JsonProperty("jwt")
        JWT
    }

    /** Methods required by default; empty: none (functions may still require one each). */
    @JsonPropertyDescription(
            "Credentials clients must present by default (api-key, jwt); empty: none (functions may still "
                    + "require one each).")
    private List<Method> methods = new ArrayList<>();
    /** Secret key holding {@code <name>:<sha256 hex of the key>} entries, one per line ({@code API_KEYS}). */
    @JsonPropertyDescription("Secret key holding <name>:<sha256 hex of the key> entries, one per line (API_KEYS).")
    private SecretKeyRef apiKeysSecretRef;
    /** The OAuth 2.1 authorization server whose JWTs the gateway accepts. */
    @JsonPropertyDescription("The OAuth 2.1 authorization server whose JWTs the gateway accepts.")
    private GatewayOAuth oauth;
    /** {@code RATE_LIMIT_PER_IDENTITY}: requests a second per identity, as a decimal number. */
    @Pattern("^[0-9]+(\\.[0-9]+)?$")
    @JsonPropertyDescription("Requests a second per identity, as a decimal number (RATE_LIMIT_PER_IDENTITY).")
    private String ratePerIdentity;
    /** {@code RATE_LIMIT_IDENTITY_BURST}. */
    @Min(1)
    @Max(10000000)
    @JsonPropertyDescription("Burst of requests allowed per identity (RATE_LIMIT_IDENTITY_BURST).")
    private Integer identityBurst;
    /** {@code MAX_STREAMS_PER_IDENTITY}. */
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Open streams allowed per identity (MAX_STREAMS_PER_IDENTITY).")
    private Integer maxStreamsPerIdentity;

    public List<Method> getMethods() {
        return methods;
    }

    public void setMethods(List<Method> methods) {
        this.methods = methods;
    }

    public SecretKeyRef getApiKeysSecretRef() {
        return apiKeysSecretRef;
    }

    public void setApiKeysSecretRef(SecretKeyRef apiKeysSecretRef) {
        this.apiKeysSecretRef = apiKeysSecretRef;
    }

    public GatewayOAuth getOauth() {
        return oauth;
    }

    public void setOauth(GatewayOAuth oauth) {
        this.oauth = oauth;
    }

    public String getRatePerIdentity() {
        return ratePerIdentity;
    }

    public void setRatePerIdentity(String ratePerIdentity) {
        this.ratePerIdentity = ratePerIdentity;
    }

    public Integer getIdentityBurst() {
        return identityBurst;
    }

    public void setIdentityBurst(Integer identityBurst) {
        this.identityBurst = identityBurst;
    }

    public Integer getMaxStreamsPerIdentity() {
        return maxStreamsPerIdentity;
    }

    public void setMaxStreamsPerIdentity(Integer maxStreamsPerIdentity) {
        this.maxStreamsPerIdentity = maxStreamsPerIdentity;
    }
}
