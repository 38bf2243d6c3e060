package dev.switchboard.examples.mcp;

/** The binary payloads the conformance scenarios expect, as base64. */
final class Fixtures {

    /** A 1x1 PNG, the conformance suite's test image. */
    static final String PNG_1X1 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /** A minimal WAV (RIFF header and one 16-bit mono sample), the conformance suite's test audio. */
    static final String WAV_MINIMAL = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    private Fixtures() {}
}
