package dev.switchboard.operator.model;

import io.fabric8.generator.annotation.Required;

/** Where a header's value comes from when it is not literal. */
public class HeaderValueSource {
    @Required
    private SecretKeyRef secretKeyRef;

    public HeaderValueSource() {
    }

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
