package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.gateway.support.TestIssuer;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may read and publish topics with client authentication on ({@code CLIENT_AUTH=jwt,api-key}): a JWT's
 * {@code switchboard} claim and an API key entry's grants name the topics (or patterns); anything else is
 * refused before a stream opens, on both listeners; and publishing counts against the per-identity limit.
 */
class TopicAuthTest {
    private static final String RESOURCE = "https://gateway.test";
    private static final String READER_KEY = "sk-reader-0123456789abcdef0123456789";
    private static final String PUBLISHER_KEY = "pk-news-0123456789abcdef0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private TestIssuer issuer;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        issuer = TestIssuer.start();
        gateway = startGateway(Map.of());
    }

    @AfterEach
    void stop() {
        gateway.close();
        issuer.close();
    }

    private Gateway startGateway(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(TestGateways.local(
                "STREAM_PORT",
                "0",
                "REDIS_URL",
                TestRedis.shared().url(),
                "CLIENT_AUTH",
                "jwt,api-key",
                "API_KEYS",
                "reader:" + ApiKeyHash.of(READER_KEY) + ":subscribe=news|room:*,newsroom:"
                        + ApiKeyHash.of(PUBLISHER_KEY) + ":publish=news",
                "OAUTH_ISSUER",
                TestIssuer.ISSUER,
                "OAUTH_JWKS_URL",
                issuer.jwksUrl()));
        env.put("OAUTH_RESOURCE", RESOURCE);
        env.putAll(extra);
        return Gateway.start(GatewayConfig.from(env));
    }

    private String token(List<String> publish, List<String> subscribe) {
        return issuer.token(
                "alice",
                RESOURCE,
                claims -> claims.claim("switchboard", Map.of("publish", publish, "subscribe", subscribe)));
    }

    private static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json");
    }

    private List<String> bothListeners(String path) {
        return List.of(
                "http://127.0.0.1:" + gateway.port() + path,
                "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + path);
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    @Test
    void aTopicIsReadableOnlyWithAGrantThatCoversIt() {
        String roomReader = token(List.of(), List.of("room:*"));
        for (String url : bothListeners("/sse/c?topic=room:1&topic=room:2")) {
            try (SseClient allowed = SseClient.open(url, bearer(roomReader))) {
                assertThat(allowed.status()).as(url).isEqualTo(200);
                assertThat(allowed.next(WAIT).type()).isEqualTo("connected");
            }
        }
        for (String url : bothListeners("/sse/c?topic=room:1&topic=news")) {
            Http.Answer refused = Http.send("GET", url, null, bearer(roomReader));
            assertThat(refused.status()).as(url).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("TOPIC_FORBIDDEN");
            Http.Answer noGrants = Http.send("GET", url, null, bearer(issuer.token("bob", RESOURCE)));
            assertThat(noGrants.status()).isEqualTo(403);
            assertThat(noGrants.json().get("code").asText()).isEqualTo("TOPIC_FORBIDDEN");
            Http.Answer keyed = Http.send("GET", url, null, Map.of("X-API-Key", PUBLISHER_KEY));
            assertThat(keyed.status())
                    .as("a publish grant does not let one read")
                    .isEqualTo(403);
            assertThat(Http.send("GET", url, null, Map.of()).status()).isEqualTo(401);
        }
        for (String url : bothListeners("/sse/c?topic=news&topic=room:9")) {
            try (SseClient byKey = SseClient.open(url, Map.of("X-API-Key", READER_KEY))) {
                assertThat(byKey.status()).as(url).isEqualTo(200);
                byKey.next(WAIT);
                assertThat(Http.send("POST", pub("/publish/news"), "{\"data\":{\"n\":1}}", bearer(PUBLISHER_KEY))
                                .status())
                        .isEqualTo(202);
                SseClient.Event event = byKey.nextNonHeartbeat(WAIT);
                assertThat(event.data()).isEqualTo("{\"topic\":\"news\",\"data\":{\"n\":1}}");
            }
        }
    }

    @Test
    void aJwtPublishesOnlyToTheTopicsItsClaimCovers() {
        String roomWriter = token(List.of("room:*"), List.of());
        for (String room : bothListeners("/publish/room:7")) {
            String news = room.replace("/publish/room:7", "/publish/news");
            assertThat(Http.send("POST", room, "{\"data\":1}", bearer(roomWriter))
                            .status())
                    .as(room)
                    .isEqualTo(202);
            Http.Answer outside = Http.send("POST", news, "{\"data\":1}", bearer(roomWriter));
            assertThat(outside.status()).isEqualTo(403);
            assertThat(outside.json().get("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
            Http.Answer noClaim = Http.send("POST", room, "{\"data\":1}", bearer(issuer.token("bob", RESOURCE)));
            assertThat(noClaim.status()).isEqualTo(403);
            assertThat(noClaim.json().get("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
            Http.Answer badToken = Http.send("POST", room, "{\"data\":1}", bearer("a.b.c"));
            assertThat(badToken.status()).isEqualTo(401);
            Http.Answer anonymous = Http.postJson(room, "{\"data\":1}");
            assertThat(anonymous.status()).as(room).isEqualTo(401);
            assertThat(anonymous.json().get("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        }
    }

    @Test
    void aPublishStormMeetsThePerIdentityLimitOnEitherListener() {
        for (int listener = 0; listener < 2; listener++) {
            gateway.close();
            gateway = startGateway(Map.of("RATE_LIMIT_PER_IDENTITY", "1", "RATE_LIMIT_IDENTITY_BURST", "3"));
            String url = bothListeners("/publish/news").get(listener);
            int accepted = 0;
            Http.Answer last = null;
            for (int i = 0; i < 10; i++) {
                last = Http.send("POST", url, "{\"data\":" + i + "}", bearer(PUBLISHER_KEY));
                if (last.status() != 202) {
                    break;
                }
                accepted++;
            }
            assertThat(accepted).as(url).isBetween(3, 4);
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.json().get("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(last.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
