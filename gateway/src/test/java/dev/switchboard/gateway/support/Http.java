package dev.switchboard.gateway.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * A call whose whole answer must arrive within a bound: for a URL that may answer with an endless stream
     * (an {@code /sse} path that was expected to be refused), so that a test fails instead of hanging.
     *
     * @param method   HTTP method
     * @param url      URL
     * @param body     body or null
     * @param headers  headers
     * @param maxBytes the most body bytes read
     * @param within   the time for the whole answer, body included
     * @return the answer
     * @throws AssertionError when the body is longer than {@code maxBytes} or not complete within {@code within}
     */
    public static Answer sendBounded(
            String method, String url, String body, Map<String, String> headers, int maxBytes, Duration within) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(within);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        AtomicReference<BoundedBody> reading = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(request.build(), info -> {
            BoundedBody bounded = new BoundedBody(info.statusCode(), maxBytes);
            reading.set(bounded);
            return bounded;
        });
        try {
            HttpResponse<String> answer = response.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(answer.statusCode(), answer.body(), answer.headers());
        } catch (TimeoutException e) {
            response.cancel(true);
            BoundedBody bounded = reading.get();
            throw new AssertionError(
                    method + " " + url + ": no complete answer within " + within
                            + (bounded == null ? " (no status line)" : " (" + bounded.describe() + ")"),
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError tooLong) {
                throw tooLong;
            }
            throw new IllegalStateException(method + " " + url + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return GET answer, read within {@link #sendBounded}'s bounds */
    public static Answer getBounded(String url, int maxBytes, Duration within) {
        return sendBounded("GET", url, null, Map.of(), maxBytes, within);
    }

    /** @return POST answer with a JSON body, read within {@link #sendBounded}'s bounds */
    public static Answer postJsonBounded(String url, String json, int maxBytes, Duration within) {
        return sendBounded("POST", url, json, Map.of("Content-Type", "application/json"), maxBytes, within);
    }

    /** A body read into memory up to a size; beyond it the exchange is cancelled and the read fails. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final int status;
        private final int maxBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int status, int maxBytes) {
            this.status = status;
            this.maxBytes = maxBytes;
        }

        synchronized String describe() {
            return "status " + status + ", " + bytes.size() + " body bytes so far: "
                    + bytes.toString(StandardCharsets.UTF_8).substring(0, Math.min(bytes.size(), 200));
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
            if (bytes.size() > maxBytes && !body.isDone()) {
                subscription.cancel();
                body.completeExceptionally(
                        new AssertionError("answer body longer than " + maxBytes + " bytes (" + describe() + ")"));
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public synchronized void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
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

    /** @return POST answer with a JSON body and a bearer token (the admin listener's publish routes) */
    public static Answer postJson(String url, String json, String bearerToken) {
        return send(
                "POST",
                url,
                json,
                Map.of("Authorization", "Bearer " + bearerToken, "Content-Type", "application/json"));
    }

    /** @return PUT answer with a JSON body */
    public static Answer putJson(String url, String json) {
        return send("PUT", url, json, Map.of("Content-Type", "application/json"));
    }

    /** @return DELETE answer */
    public static Answer delete(String url) {
        return send("DELETE", url, null, Map.of());
    }

    /**
     * @param headers request headers
     * @param name    one more header's name
     * @param value   its value
     * @return the headers with that one added (or replaced), in order
     */
    public static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }
}
