package dev.switchboard.testing.fuzz;

import java.util.List;

/**
 * One listener under fuzz.
 *
 * @param name        for the report (e.g. {@code public})
 * @param port        its loopback port
 * @param paths       the paths it serves (and a few it does not), which requests aim at
 * @param probe       a normal request (a full HTTP/1.1 request), sent after the run: the listener must still serve it
 * @param probeStatus the status the probe must get
 */
public record WireTarget(String name, int port, List<String> paths, String probe, int probeStatus) {}
