package dev.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One meter's value in a gateway's Prometheus text ({@code /metrics} on its admin listener). */
public final class Metrics {
    private Metrics() {}

    /**
     * @param exposition the Prometheus text
     * @param name       the meter's exposed name ({@code switchboard_fanout_received_total})
     * @return the value of its first series, labelled or not; fails the test when it has none
     */
    public static double value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$")
                .matcher(exposition);
        assertThat(m.find()).as(name + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * @param metricsUrl a gateway's {@code /metrics} URL
     * @param name       the meter's exposed name
     * @return its value now
     */
    public static double read(String metricsUrl, String name) {
        return value(Http.get(metricsUrl).body(), name);
    }
}
