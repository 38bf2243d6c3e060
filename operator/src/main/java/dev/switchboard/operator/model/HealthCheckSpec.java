package dev.switchboard.operator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Periodic probe of a function: GET on {@code path} at the endpoint's origin. */
public class HealthCheckSpec {
    @Required
    @Pattern("^/[!-~]*$")
    private String path;
    @Pattern(Durations.PATTERN)
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
