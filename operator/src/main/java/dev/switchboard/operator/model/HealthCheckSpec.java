package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Periodic probe of a function: GET on {@code path} at the endpoint's origin. */
public class HealthCheckSpec {
    @Required
    @Pattern("^/[!-~]*$")
    @JsonPropertyDescription("Path probed with GET at the endpoint's origin.")
    private String path;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Time between probes, e.g. 30s.")
    private String interval;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }
}
