package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Sends notifications to the sessions of this server through the gateway's push route
 * ({@code POST /publish/mcp/{server}}): a function holds no connection to its clients, so the gateway delivers
 * for it. Configured by {@code SWITCHBOARD_PUSH_URL} (the route, with the name the function is registered under)
 * and a credential: {@code SWITCHBOARD_PUSH_TOKEN} (sent as a bearer token: the admin token on the admin listener,
 * or a JWT with a publish grant on the public one) or {@code SWITCHBOARD_PUSH_API_KEY} (an API key with a publish
 * grant covering {@code mcp:<server>}, public listener).
 */
public final class Pusher {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** No push route configured: changes are made, nobody is told. */
    public static final Pusher NONE = new Pusher(null, Map.of());

    private final URI url;
    private final Map<String, String> headers;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * @param url     the push route, e.g. {@code http://gateway:9090/publish/mcp/tools}
     * @param headers the credential's headers
     */
    public Pusher(URI url, Map<String, String> headers) {
        this.url = url;
        this.headers = Map.copyOf(headers);
    }

    /** @return the pusher the environment configures, or {@link #NONE} */
    static Pusher fromEnvironment() {
        String url = System.getenv("SWITCHBOARD_PUSH_URL");
        if (url == null || url.isBlank()) {
            return NONE;
        }
        String token = System.getenv("SWITCHBOARD_PUSH_TOKEN");
        String apiKey = System.getenv("SWITCHBOARD_PUSH_API_KEY");
        Map<String, String> headers = token != null && !token.isBlank()
                ? Map.of("Authorization", "Bearer " + token.trim())
                : apiKey != null && !apiKey.isBlank() ? Map.of("X-API-Key", apiKey.trim()) : Map.of();
        return new Pusher(URI.create(url.trim()), headers);
    }

    /** @return whether a push route is configured */
    boolean configured() {
        return url != null;
    }

    /**
     * @param method a notification method, e.g. {@code notifications/tools/list_changed}
     * @param params its params, or null
     * @return how many sessions the gateway delivered it to
     * @throws IOException when the gateway cannot be reached or refuses (the message says why)
     */
    int push(String method, ObjectNode params) throws IOException {
        if (url == null) {
            throw new IOException("no push route configured (SWITCHBOARD_PUSH_URL)");
        }
        ObjectNode body = Json.object().put("method", method);
        if (params != null) {
            body.set("params", params);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pushing", e);
        }
        if (response.statusCode() != 202) {
            throw new IOException("the gateway refused the push: " + response.statusCode() + " " + response.body());
        }
        return Json.parse(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .path("sessions")
                .asInt();
    }
}
