package dev.switchboard.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;

/** Guards {@code /admin/*} with a bearer token when one is configured; compares in constant time. */
public final class AdminAuth {
    private AdminAuth() {
    }

    /**
     * @param token the configured token, if any
     * @return a handler that passes requests on, or refuses them with 401 {@code UNAUTHORIZED}
     */
    public static Handler filter(Optional<String> token) {
        if (token.isEmpty()) {
            return (req, res) -> res.next();
        }
        byte[] expected = token.get().getBytes(StandardCharsets.UTF_8);
        return (req, res) -> {
            String presented = req.headers().first(HeaderNames.AUTHORIZATION)
                    .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                    .map(h -> h.substring(7).trim())
                    .orElse("");
            if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"switchboard-admin\"");
                Json.sendError(res, new ApiException(Status.UNAUTHORIZED_401, "UNAUTHORIZED",
                                                     "admin API requires Authorization: Bearer <ADMIN_TOKEN>"));
                return;
            }
            res.next();
        };
    }
}
