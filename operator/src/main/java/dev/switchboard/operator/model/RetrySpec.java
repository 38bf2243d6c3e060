package dev.switchboard.operator.model;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Retries of failed calls, where safe (see the gateway's API documentation). */
public class RetrySpec {
    @Required
    @Min(0)
    @Max(5)
    private Integer attempts;
    @Pattern(Durations.PATTERN)
    private String backoff;

    public Integer getAttempts() {
        return attempts;
    }

    public void setAttempts(Integer attempts) {
        this.attempts = attempts;
    }

    public String getBackoff() {
        return backoff;
    }

    public void setBackoff(String backoff) {
        this.backoff = backoff;
    }
}
