package dev.switchboard.gateway.cors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which browser pages may read a family of routes, and the CORS headers that tell the browser so. Three
 * families: the generic SSE streams ({@link #forStreams}, {@code SSE_CORS_ORIGINS}), the calls a streaming page
 * makes beside them ({@link #forInvoke}, {@code /invoke}, the same origins) and the MCP routes
 * ({@link #forMcp}, {@code MCP_ALLOWED_ORIGINS}). Origins not on the list get no CORS header at all, so the
 * browser keeps the answer from the page. The gateway never sends {@code Access-Control-Allow-Credentials}:
 * clients authenticate with headers ({@code Authorization}, {@code X-API-Key}), not cookies. The admin
 * listener never sends CORS headers.
 */
public final class CorsPolicy {
    private static final String MAX_AGE_SECONDS = "600";

    private final Optional<AllowedOrigins> origins;
    private final boolean echoAny;
    private final String methods;
    private final String allowHeaders;
    private final Optional<String> allowHeaderPrefix;
    private final Optional<String> exposeHeaders;

    private CorsPolicy(
            Optional<AllowedOrigins> origins,
            boolean echoAny,
            String methods,
            String allowHeaders,
            Optional<String> allowHeaderPrefix,
            Optional<String> exposeHeaders) {
        this.origins = origins;
        this.echoAny = echoAny;
        this.methods = methods;
        this.allowHeaders = allowHeaders;
        this.allowHeaderPrefix = allowHeaderPrefix;
        this.exposeHeaders = exposeHeaders;
    }

    /**
     * The generic streams: {@code *} for any page (the default: a generic stream is meant for browsers), a
     * list of origins (the matching one is echoed, with {@code Vary: Origin}), or {@code none}.
     *
     * @param setting the configured values of {@code SSE_CORS_ORIGINS}
     * @return the policy
     */
    public static CorsPolicy forStreams(List<String> setting) {
        boolean none = setting.size() == 1 && setting.getFirst().equalsIgnoreCase("none");
        return new CorsPolicy(
                none ? Optional.empty() : Optional.of(AllowedOrigins.of(setting)),
                false,
                "GET",
                "Authorization, X-API-Key, Last-Event-ID, X-User-ID",
                Optional.empty(),
                Optional.empty());
    }

    /**
     * {@code POST /invoke/{function}} for the pages that may read streams: a page that follows a stream posts
     * the calls whose results it streams (e.g. a chat message to a room it follows). Same origins as
     * {@link #forStreams}: an async result is readable on the stream anyway, and clients authenticate with
     * headers, never cookies, so allowing an origin grants it nothing the page does not hold.
     *
     * @param setting the configured values of {@code SSE_CORS_ORIGINS}
     * @return the policy
     */
    public static CorsPolicy forInvoke(List<String> setting) {
        boolean none = setting.size() == 1 && setting.getFirst().equalsIgnoreCase("none");
        return new CorsPolicy(
                none ? Optional.empty() : Optional.of(AllowedOrigins.of(setting)),
                false,
                "POST",
                "Content-Type, Authorization, X-API-Key",
                Optional.empty(),
                Optional.of("Retry-After"));
    }

    /**
     * The MCP routes, for exactly the origins the MCP endpoint admits: the page's own origin is echoed
     * (also under {@code *}), and the headers an MCP client sends and reads are allowed and exposed,
     * including 2026-07-28's {@code Mcp-Method}, {@code Mcp-Name} and any {@code Mcp-Param-*} the
     * preflight asks for.
     *
     * @param setting the configured values of {@code MCP_ALLOWED_ORIGINS}
     * @return the policy
     */
    public static CorsPolicy forMcp(List<String> setting) {
        return new CorsPolicy(
                Optional.of(AllowedOrigins.of(setting)),
                true,
                "GET, POST, DELETE",
                "Content-Type, Authorization, X-API-Key, Mcp-Session-Id, MCP-Protocol-Version, "
                        + "Last-Event-ID, Mcp-Method, Mcp-Name",
                Optional.of("mcp-param-"),
                Optional.of("Mcp-Session-Id, WWW-Authenticate, Retry-After"));
    }

    /**
     * @param origin the request's {@code Origin}, if any
     * @return the {@code Access-Control-Allow-Origin} value to send, if any
     */
    public Optional<String> allowOrigin(Optional<String> origin) {
        if (origins.isEmpty()) {
            return Optional.empty();
        }
        if (origins.get().any() && !echoAny) {
            return Optional.of("*");
        }
        return origin.filter(o -> origins.get().allows(o));
    }

    /**
     * The CORS headers of an actual (not preflight) request's answer.
     *
     * @param origin the request's {@code Origin}, if any
     * @return the headers; none for a request without an allowed origin but {@code Vary}
     */
    public Map<String, String> response(Optional<String> origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        allowOrigin(origin).ifPresent(allowed -> {
            headers.put("Access-Control-Allow-Origin", allowed);
            exposeHeaders.ifPresent(expose -> headers.put("Access-Control-Expose-Headers", expose));
        });
        if (variesByOrigin()) {
            headers.put("Vary", "Origin");
        }
        return headers;
    }

    /**
     * @param origin the request's {@code Origin}, if any
     * @return the headers to answer a preflight with; none when the origin may not read the routes
     * @see #preflight(Optional, Optional)
     */
    public Map<String, String> preflight(Optional<String> origin) {
        return preflight(origin, Optional.empty());
    }

    /**
     * The answer to a browser's preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}),
     * which it sends before a request with a method or headers beyond the CORS-safelisted ones.
     *
     * @param origin           the request's {@code Origin}, if any
     * @param requestedHeaders its {@code Access-Control-Request-Headers}, if any
     * @return the headers to answer with; none when the origin may not read the routes
     */
    public Map<String, String> preflight(Optional<String> origin, Optional<String> requestedHeaders) {
        Optional<String> allowed = allowOrigin(origin);
        if (allowed.isEmpty()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", allowed.get());
        headers.put("Access-Control-Allow-Methods", methods);
        List<String> prefixed = prefixedHeaders(requestedHeaders);
        headers.put(
                "Access-Control-Allow-Headers",
                prefixed.isEmpty() ? allowHeaders : allowHeaders + ", " + String.join(", ", prefixed));
        headers.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
        if (variesByOrigin()) {
            headers.put("Vary", allowHeaderPrefix.isPresent() ? "Origin, Access-Control-Request-Headers" : "Origin");
        }
        return headers;
    }

    /** A family of headers has no fixed names ({@code Mcp-Param-Region}): allow those the page asks for. */
    private List<String> prefixedHeaders(Optional<String> requested) {
        List<String> names = new ArrayList<>();
        if (allowHeaderPrefix.isEmpty() || requested.isEmpty()) {
            return names;
        }
        for (String name : requested.get().split(",")) {
            String trimmed = name.trim();
            String lower = trimmed.toLowerCase(Locale.ROOT);
            if (lower.startsWith(allowHeaderPrefix.get())
                    && lower.length() > allowHeaderPrefix.get().length()
                    && lower.chars().allMatch(CorsPolicy::isTokenChar)
                    && !names.contains(trimmed)) {
                names.add(trimmed);
            }
        }
        return names;
    }

    /** RFC 9110 token characters (a header name). */
    private static boolean isTokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /**
     * @param method  the request's method
     * @param headers its headers
     * @return whether it is a CORS preflight, which carries no credentials by design
     */
    public static boolean isPreflight(String method, io.helidon.http.Headers headers) {
        return method.equals("OPTIONS")
                && headers.contains(io.helidon.http.HeaderNames.create("Access-Control-Request-Method"));
    }

    /** @return whether the answer depends on the request's origin (then {@code Vary: Origin} is due) */
    public boolean variesByOrigin() {
        return origins.isPresent() && (echoAny || !origins.get().any());
    }
}
