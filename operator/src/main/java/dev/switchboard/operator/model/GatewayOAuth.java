package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The authorization server a gateway trusts, and the resource the gateway is ({@code OAUTH_*}). */
public class GatewayOAuth {
    /** {@code OAUTH_ISSUER}: the required {@code iss}. */
    @Required
    @JsonPropertyDescription("The required iss of accepted JWTs (OAUTH_ISSUER).")
    private String issuer;
    /** {@code OAUTH_JWKS_URL}: where the issuer publishes its signing keys. */
    @Required
    @Pattern("^https?://.+$")
    @JsonPropertyDescription("Where the issuer publishes its signing keys (OAUTH_JWKS_URL).")
    private String jwksUrl;
    /** {@code OAUTH_RESOURCE}: the gateway's public URL, the resource tokens are issued for. */
    @Required
    @Pattern("^https?://[^?#]+$")
    @JsonPropertyDescription("The gateway's public URL, the resource tokens are issued for (OAUTH_RESOURCE).")
    private String resource;
    /** {@code OAUTH_AUDIENCE}: the required {@code aud}, when it is not the resource. */
    @JsonPropertyDescription("The required aud, when it is not the resource (OAUTH_AUDIENCE).")
    private String audience;
    /** {@code OAUTH_REQUIRED_SCOPES}. */
    @JsonPropertyDescription("Scopes every token must carry (OAUTH_REQUIRED_SCOPES).")
    private List<@Pattern("^[!#-\\[\\]-~]+$") String> requiredScopes = new ArrayList<>();

    public String getIssuer() {
        return issuer;
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    public String getJwksUrl() {
        return jwksUrl;
    }

    public void setJwksUrl(String jwksUrl) {
        this.jwksUrl = jwksUrl;
    }

    public String getResource() {
        return resource;
    }

    public void setResource(String resource) {
        this.resource = resource;
    }

    public String getAudience() {
        return audience;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public List<String> getRequiredScopes() {
        return requiredScopes;
    }

    public void setRequiredScopes(List<String> requiredScopes) {
        this.requiredScopes = requiredScopes;
    }
}
