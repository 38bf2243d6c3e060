package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where a header's value comes from when it is not literal. */
public class HeaderValueSource {
    @Required
    @JsonPropertyDescription("A key of a Secret in the function's namespace.")
    private SecretKeyRef secretKeyRef;

    public HeaderValueSource() {}

    public HeaderValueSource(SecretKeyRef secretKeyRef) {
        this.secretKeyRef = secretKeyRef;
    }

    public SecretKeyRef getSecretKeyRef() {
        return secretKeyRef;
    }

    public void setSecretKeyRef(SecretKeyRef secretKeyRef) {
        this.secretKeyRef = secretKeyRef;
    }
}
