package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Retries of failed calls, where safe (see the gateway's API documentation). */
public class RetrySpec {
    @Required
    @Min(0)
    @Max(5)
    @JsonPropertyDescription("Retries after the first call (0 to 5), only where safe.")
    private Integer attempts;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Wait before the first retry, doubled each time, e.g. 200ms.")
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
