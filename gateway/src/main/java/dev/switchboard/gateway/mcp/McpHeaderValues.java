package dev.switchboard.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Header values of 2026-07-28's standard request headers: plain when they are safe visible ASCII,
 * else the {@code =?base64?...?=} form ({@code streamable-http.mdx} "Value Encoding").
 */
final class McpHeaderValues {
    private McpHeaderValues() {}

    static String encode(String value) {
        boolean safe =
                !value.isEmpty() && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e) && !value.startsWith("=?");
        if (safe) {
            return value;
        }
        return "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
