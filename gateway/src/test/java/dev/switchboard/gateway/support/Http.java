package dev.switchboard.gateway.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP calls for tests, with the answer parsed as JSON when it is JSON. */
public final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Http() {}

    /** An answer. */
    public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        /** @return the body as JSON */
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /**
     * @param method  HTTP method
     * @param url     URL
     * @param body    body or null
     * @param headers headers
     * @return the answer
     */
    public static Answer send(String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return GET answer */
    public static Answer get(String url) {
        return send("GET", url, null, Map.of());
    }

    /** @return POST answer with a JSON body */
    public static Answer postJson(String url, String json) {
        return send("POST", url, json, Map.of("Content-Type", "application/json"));
    }

    /** @return PUT answer with a JSON body */
    public static Answer putJson(String url, String json) {
        return send("PUT", url, json, Map.of("Content-Type", "application/json"));
    }

    /** @return DELETE answer */
    public static Answer delete(String url) {
        return send("DELETE", url, null, Map.of());
    }
}
