package dev.switchboard.operator.model;

/** The duration syntax the gateway accepts, as a schema pattern: {@code 500ms}, {@code 15s}, {@code 1m30s}. */
final class Durations {
    static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$";

    private Durations() {}
}
