package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;

/** Guards {@code /admin/*} with bearer tokens when any are configured ({@link AdminTokens}). */
public final class AdminAuth {
    private AdminAuth() {}

    /**
     * @param tokens the configured tokens
     * @return a handler that passes requests on, or refuses them with 401 {@code UNAUTHORIZED}
     */
    public static Handler filter(AdminTokens tokens) {
        return filter(tokens, path -> {});
    }

    /**
     * @param tokens  the configured tokens
     * @param refused hears the path of each refused request (the monitoring page's recent problems)
     * @return a handler that passes requests on, or refuses them with 401 {@code UNAUTHORIZED}
     */
    public static Handler filter(AdminTokens tokens, java.util.function.Consumer<String> refused) {
        if (tokens.isEmpty()) {
            return (req, res) -> res.next();
        }
        return (req, res) -> {
            String presented = req.headers()
                    .first(HeaderNames.AUTHORIZATION)
                    .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                    .map(h -> h.substring(7).trim())
                    .orElse("");
            if (!tokens.accepts(presented)) {
                refused.accept(req.path().path());
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"switchboard-admin\"");
                Json.sendError(
                        res,
                        new ApiException(
                                Status.UNAUTHORIZED_401,
                                "UNAUTHORIZED",
                                "admin API requires Authorization: Bearer <admin token>"));
                return;
            }
            res.next();
        };
    }
}
