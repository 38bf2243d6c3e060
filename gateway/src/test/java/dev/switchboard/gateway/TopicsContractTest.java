package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.KeptAliveConnection;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topics and {@code POST /publish} over real sockets, once per state store and stream transport: streams that
 * follow several topics and their own client events, resume tokens that resume every log exactly, idempotent
 * publishing, publisher credentials, and each bad input's documented error. Client authentication is off here
 * (topics are public); {@link TopicAuthTest} covers who may read and publish with it on.
 */
abstract class TopicsContractTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    static final String PUBLISHER_KEY = "pk-rooms-0123456789abcdef0123456789";
    static final String PLAIN_KEY = "sk-plain-0123456789abcdef0123456789";

    FunctionServer functions;
    Gateway gateway;

    /** @return configuration selecting the state store (and the stream transport) */
    abstract Map<String, String> storeConfig();

    /** Empties the state store. */
    abstract void resetStore();

    /** @return the URL of a {@code /sse} path on a gateway: its public listener, or its stream listener */
    String stream(Gateway on, String path) {
        return "http://127.0.0.1:" + on.port() + path;
    }

    @BeforeEach
    void startGateway() {
        resetStore();
        functions = FunctionServer.start();
        gateway = startGateway(Map.of());
        Http.Answer registered = Http.send(
                "POST",
                admin("/admin/functions"),
                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}",
                adminHeaders());
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    Gateway startGateway(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(storeConfig());
        values.putAll(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "300ms", "SHUTDOWN_GRACE", "2s"));
        values.put("ADMIN_TOKEN", ADMIN_TOKEN);
        values.put(
                "API_KEYS",
                "rooms:" + ApiKeyHash.of(PUBLISHER_KEY) + ":publish=room:*|news,plain:" + ApiKeyHash.of(PLAIN_KEY));
        values.putAll(extra);
        return Gateway.start(GatewayConfig.from(values));
    }

    String stream(String path) {
        return stream(gateway, path);
    }

    /** @return the URL of a path where publishers with a grant publish: the listener the streams are on */
    String pub(String path) {
        return stream(gateway, path);
    }

    String admin(String path) {
        return "http://127.0.0.1:" + gateway.adminPort() + path;
    }

    static Map<String, String> adminHeaders() {
        return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ADMIN_TOKEN);
    }

    static Map<String, String> keyHeaders(String key) {
        return Map.of("Content-Type", "application/json", "X-API-Key", key);
    }

    /** Publishes on the admin listener. */
    Http.Answer publish(Gateway on, String topic, String body) {
        return Http.send("POST", "http://127.0.0.1:" + on.adminPort() + "/publish/" + topic, body, adminHeaders());
    }

    static JsonNode json(String data) {
        try {
            return MAPPER.readTree(data);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + data, e);
        }
    }

    /** @return the next {@code count} events that are neither heartbeats nor {@code connected} */
    static List<SseClient.Event> take(SseClient client, int count) {
        List<SseClient.Event> events = new ArrayList<>();
        while (events.size() < count) {
            SseClient.Event e = client.nextNonHeartbeat(WAIT);
            if (!e.type().equals("connected")) {
                events.add(e);
            }
        }
        return events;
    }

    /** @return where an event came from and what it says: {@code topic:n} or {@code client:n} */
    static String origin(SseClient.Event e) {
        JsonNode data = json(e.data());
        return data.has("topic")
                ? data.get("topic").asText() + ":" + data.get("data").get("n").asInt()
                : "client:" + data.get("data").get("received").get("n").asInt();
    }

    void publishN(Gateway on, String topic, int n) {
        Http.Answer answer = publish(on, topic, "{\"event\":\"update\",\"data\":{\"n\":" + n + "}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    }

    void invokeFor(Gateway on, String clientId, int n) {
        Http.Answer answer = Http.postJson(
                "http://127.0.0.1:" + on.port() + "/invoke/echo",
                "{\"payload\":{\"n\":" + n + "},\"client_id\":\"" + clientId + "\",\"async\":true}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    }

    /**
     * Follows two topics and the client's own events, leaves, misses events of all three logs, and resumes
     * on {@code resumeOn} with the last id it saw: every missed event arrives once, none seen is repeated.
     */
    void resumesEveryLog(Gateway resumeOn) {
        String lastId;
        try (SseClient client = SseClient.open(stream("/sse/reader?topic=room:1&topic=news"))) {
            assertThat(client.status()).isEqualTo(200);
            SseClient.Event connected = client.next(WAIT);
            assertThat(connected.type()).isEqualTo("connected");
            assertThat(connected.id()).startsWith("v1.");
            assertThat(json(connected.data()).get("topics"))
                    .extracting(JsonNode::asText)
                    .containsExactly("room:1", "news");
            publishN(gateway, "room:1", 1);
            publishN(gateway, "news", 1);
            invokeFor(gateway, "reader", 1);
            publishN(gateway, "other", 99);
            List<SseClient.Event> seen = take(client, 3);
            assertThat(seen)
                    .extracting(TopicsContractTest::origin)
                    .containsExactlyInAnyOrder("room:1:1", "news:1", "client:1");
            assertThat(seen).filteredOn(e -> e.type().equals("update")).hasSize(2);
            assertThat(seen).allSatisfy(e -> assertThat(e.id()).startsWith("v1."));
            lastId = seen.get(2).id();
        }
        for (int n = 2; n <= 3; n++) {
            publishN(gateway, "room:1", n);
            publishN(gateway, "news", n);
            invokeFor(gateway, "reader", n);
        }
        await().atMost(WAIT).until(() -> gateway.hub().count() == 0);
        try (SseClient resumed = SseClient.open(
                stream(resumeOn, "/sse/reader?topic=room:1&topic=news"), Map.of("Last-Event-ID", lastId))) {
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(json(resumed.next(WAIT).data()).get("replayed").asInt()).isEqualTo(6);
            List<SseClient.Event> missed = take(resumed, 6);
            assertThat(missed)
                    .extracting(TopicsContractTest::origin)
                    .containsExactlyInAnyOrder("room:1:2", "room:1:3", "news:2", "news:3", "client:2", "client:3");
            // in order per log
            assertThat(missed)
                    .extracting(TopicsContractTest::origin)
                    .filteredOn(o -> o.startsWith("news"))
                    .containsExactly("news:2", "news:3");
            assertThat(missed)
                    .extracting(TopicsContractTest::origin)
                    .filteredOn(o -> o.startsWith("client"))
                    .containsExactly("client:2", "client:3");
            publishN(resumeOn, "news", 4);
            assertThat(origin(take(resumed, 1).getFirst()))
                    .as("live again, nothing repeated")
                    .isEqualTo("news:4");
        }
    }

    @Test
    void followsTopicsAndItsOwnEventsAndResumesEveryLogExactly() {
        resumesEveryLog(gateway);
    }

    @Test
    void heartbeatsOfATopicStreamCarryItsResumeToken() {
        try (SseClient client = SseClient.open(stream("/sse/beat?topic=news"))) {
            String connected = client.next(WAIT).id();
            SseClient.Event beat = client.next(WAIT);
            assertThat(beat.type()).isEqualTo("heartbeat");
            assertThat(beat.id()).isEqualTo(connected).startsWith("v1.");
        }
    }

    @Test
    void aStreamWithoutTopicsKeepsPlainIdsAndSeesNoTopicEvents() {
        try (SseClient plain = SseClient.open(stream("/sse/plain"))) {
            assertThat(plain.next(WAIT).id()).matches("\\d+-\\d+");
            publishN(gateway, "news", 1);
            invokeFor(gateway, "plain", 7);
            SseClient.Event own = plain.nextNonHeartbeat(WAIT);
            assertThat(own.type()).isEqualTo("function_response");
            assertThat(own.id()).matches("\\d+-\\d+");
            assertThat(origin(own)).isEqualTo("client:7");
        }
    }

    @Test
    void publishingTheSameIdTwiceStoresItOnce() {
        try (SseClient client = SseClient.open(stream("/sse/idem?topic=news"))) {
            client.next(WAIT);
            Http.Answer first = publish(gateway, "news", "{\"data\":{\"n\":1},\"id\":\"msg-1\"}");
            Http.Answer again = publish(gateway, "news", "{\"data\":{\"n\":1},\"id\":\"msg-1\"}");
            assertThat(first.status()).isEqualTo(202);
            assertThat(again.status()).isEqualTo(202);
            assertThat(first.json().get("events").get(0).get("duplicate").asBoolean())
                    .isFalse();
            assertThat(again.json().get("events").get(0).get("duplicate").asBoolean())
                    .isTrue();
            assertThat(again.json().get("id").asText())
                    .isEqualTo(first.json().get("id").asText());
            Http.Answer batch = publish(
                    gateway,
                    "news",
                    "{\"events\":[{\"data\":{\"n\":1},\"id\":\"msg-1\"},"
                            + "{\"event\":\"update\",\"data\":{\"n\":2},\"id\":\"msg-2\"},{\"data\":{\"n\":3}}]}");
            assertThat(batch.status()).isEqualTo(202);
            assertThat(batch.json().get("events"))
                    .extracting(e -> e.get("duplicate").asBoolean())
                    .containsExactly(true, false, false);
            List<SseClient.Event> events = take(client, 3);
            assertThat(events).extracting(TopicsContractTest::origin).containsExactly("news:1", "news:2", "news:3");
            assertThat(events).extracting(SseClient.Event::type).containsExactly("message", "update", "message");
            assertThat(client.pending())
                    .filteredOn(e -> !e.type().equals("heartbeat"))
                    .isEmpty();
        }
    }

    @Test
    void aBatchIsStoredAsOneStepInItsOrderAndAnIdItRepeatsIsStoredOnce() throws Exception {
        try (SseClient client = SseClient.open(stream("/sse/batches?topic=news"))) {
            client.next(WAIT);
            Http.Answer repeated = publish(
                    gateway,
                    "news",
                    "{\"events\":[{\"data\":{\"n\":0},\"id\":\"x\"},{\"data\":{\"n\":0},\"id\":\"x\"}]}");
            assertThat(repeated.status()).as(repeated.body()).isEqualTo(202);
            assertThat(repeated.json().get("events"))
                    .extracting(e -> e.get("duplicate").asBoolean())
                    .containsExactly(false, true);
            assertThat(repeated.json().get("events").get(1).get("id").asText())
                    .isEqualTo(repeated.json().get("events").get(0).get("id").asText());
            assertThat(take(client, 1)).extracting(TopicsContractTest::origin).containsExactly("news:0");

            // two publishers' batches at once: each batch's events reach the subscriber next to each other
            int publishers = 2;
            int batches = 10;
            int size = 10;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<?>> running = new ArrayList<>();
                for (int p = 1; p <= publishers; p++) {
                    int publisher = p;
                    running.add(pool.submit(() -> {
                        for (int b = 0; b < batches; b++) {
                            StringBuilder body = new StringBuilder("{\"events\":[");
                            for (int i = 0; i < size; i++) {
                                body.append(i == 0 ? "" : ",")
                                        .append("{\"data\":{\"n\":")
                                        .append(publisher * 1000 + b * size + i)
                                        .append("}}");
                            }
                            Http.Answer answer =
                                    publish(gateway, "news", body.append("]}").toString());
                            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : running) {
                    f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            List<Integer> received = take(client, publishers * batches * size).stream()
                    .map(e -> json(e.data()).get("data").get("n").asInt())
                    .toList();
            for (int start = 0; start < received.size(); start += size) {
                int first = received.get(start);
                assertThat(first % size)
                        .as("a batch's first event at %d of %s", start, received)
                        .isZero();
                for (int i = 1; i < size; i++) {
                    assertThat(received.get(start + i))
                            .as("event %d of the batch starting at %d: %s", i, start, received)
                            .isEqualTo(first + i);
                }
            }
        }
    }

    @Test
    void publishNeedsAPublisherCredential() {
        String body = "{\"data\":{\"n\":1}}";
        Http.Answer anonymous = Http.postJson(pub("/publish/news"), body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        Http.Answer plainKey = Http.send("POST", pub("/publish/news"), body, keyHeaders(PLAIN_KEY));
        assertThat(plainKey.status()).isEqualTo(403);
        assertThat(plainKey.json().get("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
        Http.Answer outsideGrant = Http.send("POST", pub("/publish/lobby"), body, keyHeaders(PUBLISHER_KEY));
        assertThat(outsideGrant.status()).isEqualTo(403);
        assertThat(outsideGrant.json().get("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
        assertThat(Http.send("POST", pub("/publish/room:42"), body, keyHeaders(PUBLISHER_KEY))
                        .status())
                .isEqualTo(202);
        assertThat(Http.send("POST", pub("/publish/news"), body, keyHeaders(PUBLISHER_KEY))
                        .status())
                .isEqualTo(202);
        Http.Answer noAdminToken = Http.postJson(admin("/publish/news"), body);
        assertThat(noAdminToken.status()).isEqualTo(401);
        assertThat(noAdminToken.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(publish(gateway, "lobby", body).status())
                .as("the admin token publishes anywhere")
                .isEqualTo(202);
    }

    @Test
    void publishersPublishWhereSubscribersStreamOnOneKeptAliveConnection() throws Exception {
        int port = java.net.URI.create(pub("/")).getPort();
        try (SseClient client = SseClient.open(stream("/sse/kept?topic=room:1"));
                KeptAliveConnection publisher = new KeptAliveConnection(port, WAIT)) {
            client.next(WAIT);
            String single = "{\"event\":\"update\",\"data\":{\"n\":1}}";
            String batch = "{\"events\":[{\"data\":{\"n\":2}},{\"data\":{\"n\":3},\"id\":\"m-3\"}]}";
            publisher.send(post("/publish/room:1", single)).send(post("/publish/room:1", batch));
            KeptAliveConnection.Answer first = publisher.next();
            KeptAliveConnection.Answer second = publisher.next();
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            assertThat(json(first.body()).get("topic").asText()).isEqualTo("room:1");
            assertThat(json(first.body()).get("id").asText())
                    .isNotEmpty()
                    .isEqualTo(json(first.body()).get("events").get(0).get("id").asText());
            assertThat(second.status()).as(second.body()).isEqualTo(202);
            assertThat(json(second.body()).get("events"))
                    .extracting(e -> e.path("publish_id").asText(null))
                    .containsExactly(null, "m-3");
            assertThat(take(client, 3))
                    .extracting(TopicsContractTest::origin)
                    .containsExactly("room:1:1", "room:1:2", "room:1:3");

            // a refused body keeps the connection (one refused before its body is read ends it, as on /invoke)
            publisher.send(post("/publish/room:1", "{\"events\":[]}"));
            assertThat(codeOf(publisher.next())).isEqualTo("400 INVALID_REQUEST");
            publisher.send("GET /publish/room:1 HTTP/1.1\r\nHost: t\r\nX-API-Key: " + PUBLISHER_KEY + "\r\n\r\n");
            KeptAliveConnection.Answer get = publisher.next();
            assertThat(codeOf(get)).isEqualTo("405 METHOD_NOT_ALLOWED");
            assertThat(get.header("Allow")).isEqualTo("POST");
        }
        assertThat(code(Http.send("POST", pub("/publish/a%20b"), "{\"data\":1}", keyHeaders(PUBLISHER_KEY))))
                .isEqualTo("400 INVALID_TOPIC");
        // the body limit holds before anything is stored
        gateway.close();
        gateway = startGateway(Map.of("MAX_BODY_SIZE", "64"));
        Http.Answer tooLarge = Http.send(
                "POST", pub("/publish/room:1"), "{\"data\":\"" + "x".repeat(100) + "\"}", keyHeaders(PUBLISHER_KEY));
        assertThat(code(tooLarge)).isEqualTo("413 PAYLOAD_TOO_LARGE");
        Http.Answer preflight = Http.send(
                "OPTIONS",
                pub("/publish/room:1"),
                null,
                Map.of("Origin", "https://app.test", "Access-Control-Request-Method", "POST"));
        assertThat(preflight.status())
                .as("no CORS on /publish: a page cannot publish across origins")
                .isEqualTo(405);
        assertThat(preflight.headers().map().keySet())
                .noneMatch(h -> h.toLowerCase().startsWith("access-control"));
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nX-API-Key: " + PUBLISHER_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String codeOf(KeptAliveConnection.Answer answer) {
        return answer.status() + " " + json(answer.body()).get("code").asText();
    }

    @Test
    void badTopicRequestsGetDocumentedErrors() {
        assertThat(refusal(stream("/sse/c?topic=a%20b"), Map.of())).isEqualTo("400 INVALID_TOPIC");
        assertThat(refusal(stream("/sse/c?topic="), Map.of())).isEqualTo("400 INVALID_TOPIC");
        assertThat(refusal(stream("/sse/c?topic=" + "x".repeat(129)), Map.of())).isEqualTo("400 INVALID_TOPIC");
        StringBuilder many = new StringBuilder("/sse/c?topic=t0");
        for (int i = 1; i <= 16; i++) {
            many.append("&topic=t").append(i);
        }
        assertThat(refusal(stream(many.toString()), Map.of())).isEqualTo("400 TOO_MANY_TOPICS");
        for (String bad : List.of("v1.zz", "v1.", "v2.a.b.c", "v1.0.0-0.0-0.0-0", "1-2-3", "v1.x.+1-0.0-0.0-0")) {
            assertThat(refusal(stream("/sse/c?topic=a&topic=b"), Map.of("Last-Event-ID", bad)))
                    .as(bad)
                    .isEqualTo("400 INVALID_LAST_EVENT_ID");
        }
        // a token of another set of topics is refused, never misapplied
        String token;
        try (SseClient client = SseClient.open(stream("/sse/c?topic=a&topic=b"))) {
            token = client.next(WAIT).id();
        }
        assertThat(refusal(stream("/sse/c?topic=b&topic=a"), Map.of("Last-Event-ID", token)))
                .isEqualTo("400 INVALID_LAST_EVENT_ID");
        assertThat(refusal(stream("/sse/c"), Map.of("Last-Event-ID", token))).isEqualTo("400 INVALID_LAST_EVENT_ID");
        assertThat(refusal(stream("/sse/topic:a"), Map.of()))
                .as("topic logs are not client ids")
                .isEqualTo("400 INVALID_CLIENT_ID");

        assertThat(refusal(stream("/sse/a%2Fb"), Map.of()))
                .as("a '/' sent as %2F is in the id, not a path of its own")
                .isEqualTo("400 INVALID_CLIENT_ID");
        assertThat(refusal(stream("/sse/"), Map.of())).isEqualTo("400 INVALID_CLIENT_ID");

        // the empty name and one with a '/' sent as %2F are names refused, not routes unknown: on both listeners
        for (String topic : List.of("a%20b", "a%2Fb", "")) {
            assertThat(code(publish(gateway, topic, "{\"data\":1}")))
                    .as("admin listener, topic '%s'", topic)
                    .isEqualTo("400 INVALID_TOPIC");
            assertThat(code(Http.send("POST", pub("/publish/" + topic), "{\"data\":1}", keyHeaders(PUBLISHER_KEY))))
                    .as("public listener, topic '%s'", topic)
                    .isEqualTo("400 INVALID_TOPIC");
        }
        assertThat(code(publish(gateway, "a", "{\"events\":[]}"))).isEqualTo("400 INVALID_REQUEST");
        assertThat(code(publish(gateway, "a", "{\"event\":\"a b\",\"data\":1}")))
                .isEqualTo("400 INVALID_REQUEST");
        assertThat(code(publish(gateway, "a", "{\"data\":1,\"id\":\"\"}"))).isEqualTo("400 INVALID_REQUEST");
        assertThat(code(publish(gateway, "a", "{\"event\":\"e\"}"))).isEqualTo("400 INVALID_REQUEST");
        assertThat(code(publish(gateway, "a", "{\"data\":1,\"extra\":2}"))).isEqualTo("400 INVALID_REQUEST");
        assertThat(code(publish(gateway, "a", "[1]"))).isEqualTo("400 INVALID_JSON");
        assertThat(Http.send("GET", admin("/publish/a"), null, adminHeaders()).status())
                .isEqualTo(405);
    }

    @Test
    void anEventLargerThanAWritersBufferArrivesWholeAndInOrder() {
        // 100 KB: more than the stream listener's 64 KiB write buffer, so its loop writes it from an array of its
        // own (SseStream.drainTo flags it, drain takes it), between two small events
        String big = "x".repeat(100_000);
        try (SseClient client = SseClient.open(stream("/sse/large?topic=news"))) {
            client.next(WAIT);
            publishN(gateway, "news", 1);
            Http.Answer answer =
                    publish(gateway, "news", "{\"event\":\"update\",\"data\":{\"n\":2,\"big\":\"" + big + "\"}}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            publishN(gateway, "news", 3);

            List<SseClient.Event> events = take(client, 3);
            assertThat(events).extracting(TopicsContractTest::origin).containsExactly("news:1", "news:2", "news:3");
            assertThat(json(events.get(1).data()).get("data").get("big").asText())
                    .isEqualTo(big);
        }
    }

    @Test
    void oversizedEventsAndTooManyTopicsFollowTheirSettings() {
        gateway.close();
        gateway = startGateway(Map.of("MAX_EVENT_SIZE", "100", "MAX_TOPICS_PER_STREAM", "2"));
        assertThat(code(publish(gateway, "a", "{\"data\":\"" + "x".repeat(100) + "\"}")))
                .isEqualTo("413 EVENT_TOO_LARGE");
        assertThat(code(publish(gateway, "a", "{\"data\":\"small\"}"))).startsWith("202");
        assertThat(refusal(stream("/sse/c?topic=a&topic=b&topic=c"), Map.of())).isEqualTo("400 TOO_MANY_TOPICS");
        try (SseClient twice = SseClient.open(stream("/sse/c?topic=a&topic=b&topic=a"))) {
            assertThat(twice.status())
                    .as("a topic named twice is followed once")
                    .isEqualTo(200);
        }
    }

    @Test
    void subscriptionBookkeepingIsFreedWhenTheLastStreamLeaves() {
        SseClient first = SseClient.open(stream("/sse/one?topic=a&topic=b"));
        SseClient second = SseClient.open(stream("/sse/two?topic=b"));
        first.next(WAIT);
        second.next(WAIT);
        assertThat(gateway.hub().topicCount()).isEqualTo(2);
        first.close();
        await().atMost(WAIT).until(() -> gateway.hub().topicCount() == 1);
        second.close();
        await().atMost(WAIT)
                .until(() -> gateway.hub().topicCount() == 0 && gateway.hub().count() == 0);
    }

    void registerMirror() {
        Http.Answer registered = Http.send(
                "POST",
                admin("/admin/functions"),
                "{\"name\":\"mirror\",\"endpoint\":\"" + functions.url("/mirror") + "\"}",
                adminHeaders());
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @Test
    void aFunctionPublishesToTopicsAndClientsByAnswering() {
        registerMirror();
        String answer = "{\"text\":\"stored\",\"switchboard\":{\"publish\":["
                + "{\"topic\":\"room:1\",\"event\":\"chat\",\"data\":{\"n\":1}},"
                + "{\"client_id\":\"me\",\"data\":{\"n\":2},\"id\":\"p-1\"}]}}";
        try (SseClient client = SseClient.open(stream("/sse/me?topic=room:1"))) {
            client.next(WAIT);
            Http.Answer sync = Http.postJson(pub("/invoke/mirror"), "{\"payload\":" + answer + "}");
            assertThat(sync.status()).as(sync.body()).isEqualTo(200);
            assertThat(sync.json().get("data").toString())
                    .as("the reserved key is not passed on")
                    .isEqualTo("{\"text\":\"stored\"}");
            List<SseClient.Event> events = take(client, 2);
            assertThat(events).extracting(SseClient.Event::type).containsExactlyInAnyOrder("chat", "message");
            assertThat(events)
                    .extracting(SseClient.Event::data)
                    .containsExactlyInAnyOrder("{\"topic\":\"room:1\",\"data\":{\"n\":1}}", "{\"n\":2}");

            // async: the events first, then the result without the reserved key; p-1 is stored once
            assertThat(Http.postJson(
                                    pub("/invoke/mirror"),
                                    "{\"payload\":" + answer + ",\"client_id\":\"me\",\"async\":true}")
                            .status())
                    .isEqualTo(202);
            List<SseClient.Event> async = take(client, 2);
            assertThat(async).extracting(SseClient.Event::type).containsExactly("chat", "function_response");
            assertThat(json(async.get(1).data()).get("data").toString()).isEqualTo("{\"text\":\"stored\"}");
        }
    }

    @Test
    void unpairedSurrogatesInPublishedDataReachSubscribersAsTheEscapesTheyWereSentAs() {
        try (SseClient client = SseClient.open(stream("/sse/me?topic=room:1"))) {
            client.next(WAIT);
            // what JSON.stringify writes for a string holding half a surrogate pair, which UTF-8 cannot encode
            String data = "[\"\\ud83d\\ude00\",\"\\ud800\",\"\\udc00x\"]";
            Http.Answer answer = publish(gateway, "room:1", "{\"data\":" + data + "}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            String received = take(client, 1).getFirst().data();
            assertThat(received)
                    .isEqualTo("{\"topic\":\"room:1\",\"data\":[\"\uD83D\uDE00\",\"\\ud800\",\"\\udc00x\"]}");
            assertThat(json(received).get("data").get(1).asText()).isEqualTo("\uD800");
        }
    }

    @Test
    void anInvalidPublishListFailsTheCallAndPublishesNothing() {
        registerMirror();
        try (SseClient client = SseClient.open(stream("/sse/me?topic=room:1"))) {
            client.next(WAIT);
            for (String list : List.of(
                    "[{\"topic\":\"room:1\",\"data\":1},{\"topic\":\"a b\",\"data\":1}]",
                    "[{\"topic\":\"room:1\",\"client_id\":\"me\",\"data\":1}]",
                    "[{\"topic\":\"room:1\"}]",
                    "{\"topic\":\"room:1\"}")) {
                Http.Answer sync = Http.postJson(
                        pub("/invoke/mirror"), "{\"payload\":{\"switchboard\":{\"publish\":" + list + "}}}");
                assertThat(sync.status()).as(list).isEqualTo(502);
                assertThat(sync.json().get("code").asText()).isEqualTo("EXECUTION_ERROR");
                assertThat(sync.json().get("error").asText()).contains("switchboard.publish");
            }
            assertThat(Http.postJson(
                                    pub("/invoke/mirror"),
                                    "{\"payload\":{\"switchboard\":{\"publish\":[{\"topic\":\"room:1\"}]}},"
                                            + "\"client_id\":\"me\",\"async\":true}")
                            .status())
                    .isEqualTo(202);
            assertThat(json(take(client, 1).getFirst().data()).get("code").asText())
                    .isEqualTo("EXECUTION_ERROR");
            // counted as the callers heard of them, not as the function answered (2xx)
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(Http.get(admin("/metrics")).body())
                            .contains("switchboard_invocation_duration_seconds_count{function=\"mirror\","
                                    + "outcome=\"execution_error\"} 5")
                            .doesNotContain("function=\"mirror\",outcome=\"success\""));
            publishN(gateway, "room:1", 5);
            assertThat(origin(take(client, 1).getFirst()))
                    .as("nothing of the refused lists")
                    .isEqualTo("room:1:5");
        }
    }

    @Test
    void anAsyncInvokeAimedAtATopicNeedsAPublishGrant() {
        String body = "{\"payload\":{\"n\":3},\"topic\":\"room:1\",\"async\":true}";
        Http.Answer anonymous = Http.postJson(pub("/invoke/echo"), body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        Http.Answer plain = Http.send("POST", pub("/invoke/echo"), body, keyHeaders(PLAIN_KEY));
        assertThat(plain.status()).isEqualTo(403);
        assertThat(plain.json().get("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
        Http.Answer sync = Http.send(
                "POST", pub("/invoke/echo"), "{\"payload\":1,\"topic\":\"room:1\"}", keyHeaders(PUBLISHER_KEY));
        assertThat(sync.status()).isEqualTo(400);
        assertThat(sync.json().get("field").asText()).isEqualTo("topic");
        try (SseClient client = SseClient.open(stream("/sse/viewer?topic=room:1"))) {
            client.next(WAIT);
            Http.Answer accepted = Http.send("POST", pub("/invoke/echo"), body, keyHeaders(PUBLISHER_KEY));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.json().get("topic").asText()).isEqualTo("room:1");
            SseClient.Event event = take(client, 1).getFirst();
            assertThat(event.type()).isEqualTo("function_response");
            JsonNode data = json(event.data());
            assertThat(data.get("topic").asText()).isEqualTo("room:1");
            assertThat(data.get("data").get("data").get("received").get("n").asInt())
                    .isEqualTo(3);
        }
    }

    /** @return status and code of a refused stream request */
    static String refusal(String url, Map<String, String> headers) {
        Http.Answer answer = Http.send("GET", url, null, headers);
        return code(answer);
    }

    static String code(Http.Answer answer) {
        if (answer.status() < 300) {
            return answer.status() + "";
        }
        return answer.status() + " " + answer.json().get("code").asText();
    }
}
