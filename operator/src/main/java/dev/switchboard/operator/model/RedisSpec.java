package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a gateway keeps its shared state: a literal URL, or a URL held in a Secret (it may carry a password). */
@ValidationRule(value = "has(self.url) != has(self.secretRef)", message = "set exactly one of url or secretRef")
public class RedisSpec {
    @Pattern("^(redis|rediss|redis-sentinel|redis-cluster|rediss-cluster)://.+$")
    @JsonPropertyDescription(
            "Redis URL (redis://, rediss://, redis-sentinel://, redis-cluster://); set exactly one of url or "
                    + "secretRef.")
    private String url;

    @JsonPropertyDescription("Secret key holding the Redis URL (it may carry a password).")
    private SecretKeyRef secretRef;

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public SecretKeyRef getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretKeyRef secretRef) {
        this.secretRef = secretRef;
    }
}
