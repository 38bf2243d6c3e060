package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.gateway.support.TestIssuer;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client authentication end to end: a real issuer publishing a JWKS, signed tokens, hashed API keys,
 * functions that see who called but never the credential, sessions and streams bound to their owner,
 * and the per-identity limits.
 */
class ClientAuthTest {
    private static final String RESOURCE = "https://gateway.test";
    private static final String API_KEY = "sk-test-0123456789abcdef0123456789abcdef";
    private TestIssuer issuer;
    private FunctionServer functions;
    private McpFunctionStub mcp;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        issuer = TestIssuer.start();
        functions = FunctionServer.start();
        mcp = McpFunctionStub.start(false);
        gateway = startGateway(Map.of());
        register("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        register("{\"name\":\"public-echo\",\"auth\":\"none\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        register("{\"name\":\"keyed-echo\",\"auth\":\"api-key\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        register("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\",\"timeout\":\"3s\"}");
    }

    @AfterEach
    void stop() {
        gateway.close();
        mcp.close();
        functions.close();
        issuer.close();
    }

    private Gateway startGateway(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(TestGateways.callingLoopback(
                "REDIS_URL",
                TestRedis.shared().url(),
                "CLIENT_AUTH",
                "jwt,api-key",
                "API_KEYS",
                "ci-bot:" + sha256(API_KEY),
                "OAUTH_ISSUER",
                TestIssuer.ISSUER,
                "OAUTH_JWKS_URL",
                issuer.jwksUrl()));
        env.put("OAUTH_RESOURCE", RESOURCE);
        env.put("OAUTH_REQUIRED_SCOPES", "mcp:tools");
        env.put("STREAM_PORT", "0");
        env.putAll(extra);
        return Gateway.start(GatewayConfig.from(env));
    }

    private void register(String json) {
        Http.Answer a = Http.postJson("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions", json);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json");
    }

    private Http.Answer invoke(String function, Map<String, String> headers) {
        return Http.send("POST", url("/invoke/" + function), "{\"payload\":{\"n\":1}}", headers);
    }

    @Test
    void noCredentialsGetAChallengeNamingTheMetadata() {
        Http.Answer plain = invoke("echo", Map.of("Content-Type", "application/json"));
        assertThat(plain.status()).isEqualTo(401);
        assertThat(plain.json().path("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(plain.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer resource_metadata=\"" + RESOURCE + "/.well-known/oauth-protected-resource\"");

        Http.Answer mcpAnswer = Http.send(
                "POST",
                url("/mcp/tools"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                Map.of("Content-Type", "application/json"));
        assertThat(mcpAnswer.status()).isEqualTo(401);
        assertThat(mcpAnswer.json().path("jsonrpc").asText())
                .as("a JSON-RPC error under /mcp")
                .isEqualTo("2.0");
        assertThat(mcpAnswer.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("resource_metadata=");

        Http.Answer stream = Http.get(url("/sse/c1"));
        assertThat(stream.status()).isEqualTo(401);

        // publishing is open to anonymous callers' routes but needs a publisher: its 401 names the metadata too
        Http.Answer publish =
                Http.send("POST", url("/publish/news"), "{\"data\":1}", Map.of("Content-Type", "application/json"));
        assertThat(publish.status()).as(publish.body()).isEqualTo(401);
        assertThat(publish.json().path("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        assertThat(publish.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer resource_metadata=\"" + RESOURCE + "/.well-known/oauth-protected-resource\"");
    }

    @Test
    void protectedResourceMetadataIsPublicOnBothListeners() {
        // an MCP client given the stream listener's URL alone looks for the metadata at that origin
        String streams = "http://127.0.0.1:" + gateway.streamPort().orElseThrow();
        for (String base : List.of(url(""), streams)) {
            for (String path : List.of(
                    "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp/tools")) {
                Http.Answer a = Http.get(base + path);
                assertThat(a.status()).as(base + path).isEqualTo(200);
                assertThat(a.headers().firstValue("Content-Type")).contains("application/json");
                assertThat(a.headers().firstValue("Access-Control-Allow-Origin"))
                        .contains("*");
                JsonNode doc = a.json();
                assertThat(doc.path("resource").asText()).isEqualTo(RESOURCE);
                assertThat(doc.path("authorization_servers").get(0).asText()).isEqualTo(TestIssuer.ISSUER);
                assertThat(doc.path("scopes_supported").get(0).asText()).isEqualTo("mcp:tools");
            }
            // a browser's fetch with the MCP protocol header is preflighted first
            Http.Answer preflight = Http.send(
                    "OPTIONS",
                    base + "/.well-known/oauth-protected-resource/mcp/tools",
                    null,
                    Map.of(
                            "Origin", "http://app.example",
                            "Access-Control-Request-Method", "GET",
                            "Access-Control-Request-Headers", "mcp-protocol-version"));
            assertThat(preflight.status()).as(base).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("*");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                    .contains("GET");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                    .contains("mcp-protocol-version");
            Http.Answer post = Http.send("POST", base + "/.well-known/oauth-protected-resource", "{}", Map.of());
            assertThat(post.status()).as(base).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET");
            assertThat(post.json().path("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
            assertThat(Http.get(base + "/.well-known/oauth-protected-resources").status())
                    .as("a path that only begins alike")
                    .isEqualTo(404);
        }
        assertThat(Http.get(streams + "/.well-known/oauth-protected-resource").body())
                .isEqualTo(
                        Http.get(url("/.well-known/oauth-protected-resource")).body());
    }

    @Test
    void aValidTokenPassesAndTheFunctionSeesTheSubjectNotTheToken() {
        Http.Answer a = invoke("echo", bearer(issuer.token("alice", RESOURCE)));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        var seen = functions.lastHeaders("/json");
        assertThat(seen.getFirst("X-Switchboard-Subject")).isEqualTo("alice");
        assertThat(seen.getFirst("X-Switchboard-Auth")).isEqualTo("jwt");
        assertThat(seen.containsKey("Authorization")).as("no token passthrough").isFalse();
    }

    @Test
    void tokensThatDoNotHoldAreRefused() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("expired", issuer.token("alice", RESOURCE, c -> c.expirationTime(Date.from(past))));
        refused.put("other audience", issuer.token("alice", "https://elsewhere.test"));
        refused.put("other issuer", issuer.token("alice", RESOURCE, c -> c.issuer("https://evil.test")));
        refused.put("unknown key", TestIssuer.sign(TestIssuer.newKey("key-1"), "alice", RESOURCE, c -> {}));
        refused.put("no subject", issuer.token(null, RESOURCE));
        refused.put("empty subject", issuer.token("", RESOURCE));
        refused.put("blank subject", issuer.token(" ", RESOURCE));
        refused.put(
                "unsigned",
                new PlainJWT(new JWTClaimsSet.Builder()
                                .issuer(TestIssuer.ISSUER)
                                .subject("alice")
                                .audience(RESOURCE)
                                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                                .build())
                        .serialize());
        refused.put("HMAC with a made-up secret", hmacToken());
        refused.put("garbage", "not-a-key-or-token");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Http.Answer a = invoke("echo", bearer(e.getValue()));
            assertThat(a.status()).as(e.getKey() + ": " + a.body()).isEqualTo(401);
            assertThat(a.json().path("code").asText()).isEqualTo("INVALID_CREDENTIALS");
            assertThat(a.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .as(e.getKey())
                    .contains("error=\"invalid_token\"");
            assertThat(a.body()).as("never echoes the credential").doesNotContain(e.getValue());
        }
        // each key id the issuer does not have makes the gateway fetch its keys again, at most so often: a token
        // refused within that interval is still the token's fault (401), not the issuer's (503)
        for (int i = 0; i < 4; i++) {
            Http.Answer a = invoke(
                    "echo", bearer(TestIssuer.sign(TestIssuer.newKey("unknown-" + i), "alice", RESOURCE, c -> {})));
            assertThat(a.status()).as("unknown key id %d: %s", i, a.body()).isEqualTo(401);
            assertThat(a.json().path("code").asText()).isEqualTo("INVALID_CREDENTIALS");
        }
        assertThat(invoke("echo", bearer(issuer.token("alice", RESOURCE))).status())
                .isEqualTo(200);
        Http.Answer noScope = invoke("echo", bearer(issuer.token("alice", RESOURCE, c -> c.claim("scope", "other"))));
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"")
                .contains("scope=\"mcp:tools\"");
    }

    private static String hmacToken() {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-1").build(),
                    new JWTClaimsSet.Builder()
                            .issuer(TestIssuer.ISSUER)
                            .subject("alice")
                            .audience(RESOURCE)
                            .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                            .claim("scope", "mcp:tools")
                            .build());
            jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void apiKeysWorkAsBearerOrHeaderAndAreKeptHashed() {
        for (Map<String, String> headers :
                List.of(bearer(API_KEY), Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"))) {
            Http.Answer a = invoke("echo", headers);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(functions.lastHeaders("/json").getFirst("X-Switchboard-Subject"))
                    .isEqualTo("ci-bot");
            assertThat(functions.lastHeaders("/json").getFirst("X-Switchboard-Auth"))
                    .isEqualTo("api-key");
            assertThat(functions.lastHeaders("/json").containsKey("X-api-key")).isFalse();
        }
        Http.Answer wrong = invoke("echo", bearer(API_KEY + "x"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("code").asText()).isEqualTo("INVALID_CREDENTIALS");
        Http.Answer hashAsKey = invoke("echo", bearer(sha256(API_KEY)));
        assertThat(hashAsKey.status())
                .as("the stored digest is not itself a key")
                .isEqualTo(401);
        // a second credential line is refused, not ignored: a valid first one does not cover a wrong second one
        for (String lines : List.of(
                "X-API-Key: " + API_KEY + "\r\nX-API-Key: wrong\r\n",
                "Authorization: Bearer " + API_KEY + "\r\nAuthorization: Bearer wrong\r\n")) {
            for (int port : List.of(gateway.port(), gateway.streamPort().orElseThrow())) {
                try (RawConnection c = RawConnection.open("127.0.0.1", port)) {
                    String answer = c.send("POST /invoke/echo HTTP/1.1\r\nHost: x\r\n" + lines
                                    + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"payload\":1}")
                            .readUntil("}", Duration.ofSeconds(5));
                    assertThat(answer)
                            .as("%s on port %d", lines, port)
                            .startsWith("HTTP/1.1 401 ")
                            .contains("\"code\":\"INVALID_CREDENTIALS\"");
                }
            }
        }
    }

    @Test
    void callsOnTheStreamListenerAreAuthenticatedAsOnThePublicOne() {
        String calls = "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/invoke/";
        Http.Answer plain =
                Http.send("POST", calls + "echo", "{\"payload\":1}", Map.of("Content-Type", "application/json"));
        Http.Answer plainOnPublic = invoke("echo", Map.of("Content-Type", "application/json"));
        assertThat(plain.status()).isEqualTo(401);
        assertThat(plain.json().path("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(plain.headers().firstValue("WWW-Authenticate"))
                .isEqualTo(plainOnPublic.headers().firstValue("WWW-Authenticate"));

        Http.Answer keyed = Http.send("POST", calls + "echo", "{\"payload\":1}", bearer(API_KEY));
        assertThat(keyed.status()).as(keyed.body()).isEqualTo(200);
        assertThat(functions.lastHeaders("/json").getFirst("X-Switchboard-Subject"))
                .isEqualTo("ci-bot");
        Http.Answer wrong = Http.send("POST", calls + "echo", "{\"payload\":1}", bearer(API_KEY + "x"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("code").asText()).isEqualTo("INVALID_CREDENTIALS");

        // a function's own rule is found from the path, as on the public listener
        assertThat(Http.send(
                                "POST",
                                calls + "public-echo",
                                "{\"payload\":1}",
                                Map.of("Content-Type", "application/json"))
                        .status())
                .isEqualTo(200);
        Http.Answer jwtOnKeyed =
                Http.send("POST", calls + "keyed-echo", "{\"payload\":1}", bearer(issuer.token("alice", RESOURCE)));
        assertThat(jwtOnKeyed.status()).isEqualTo(401);
        assertThat(jwtOnKeyed.json().path("error").asText()).contains("api-key");
    }

    @Test
    void functionsMayOverrideTheGatewaysRule() {
        Http.Answer open = invoke("public-echo", Map.of("Content-Type", "application/json"));
        assertThat(open.status()).isEqualTo(200);
        assertThat(functions.lastHeaders("/json").containsKey("X-switchboard-subject"))
                .isFalse();

        Http.Answer badCredentialOnPublic = invoke("public-echo", bearer("not-a-key"));
        assertThat(badCredentialOnPublic.status())
                .as("presented credentials are always checked")
                .isEqualTo(401);

        Http.Answer jwtOnKeyed = invoke("keyed-echo", bearer(issuer.token("alice", RESOURCE)));
        assertThat(jwtOnKeyed.status()).isEqualTo(401);
        assertThat(jwtOnKeyed.json().path("error").asText()).contains("api-key");
        assertThat(invoke("keyed-echo", bearer(API_KEY)).status()).isEqualTo(200);
    }

    @Test
    void anMcpSessionBelongsToTheIdentityThatOpenedIt() {
        String alice = issuer.token("alice", RESOURCE);
        Map<String, String> headers = new HashMap<>(bearer(alice));
        headers.put("Accept", "application/json, text/event-stream");
        Http.Answer init = Http.send(
                "POST",
                url("/mcp/tools"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                        + "\"version\":\"1\"}}}",
                headers);
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(mcp.last("initialize").headers().getFirst("X-Switchboard-Subject"))
                .isEqualTo("alice");

        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        Map<String, String> asBob = new HashMap<>(bearer(issuer.token("bob", RESOURCE)));
        asBob.put("Accept", "application/json, text/event-stream");
        asBob.put("Mcp-Session-Id", sessionId);
        Http.Answer bob = Http.send("POST", url("/mcp/tools"), ping, asBob);
        assertThat(bob.status())
                .as("another identity's session does not exist for it")
                .isEqualTo(404);
        Map<String, String> asKey = new HashMap<>(asBob);
        asKey.put("Authorization", "Bearer " + API_KEY);
        assertThat(Http.send("DELETE", url("/mcp/tools"), null, asKey).status()).isEqualTo(404);

        headers.put("Mcp-Session-Id", sessionId);
        Http.Answer own = Http.send("POST", url("/mcp/tools"), ping, headers);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(mcp.last("tools/list").headers().getFirst("X-Switchboard-Subject"))
                .isEqualTo("alice");
        assertThat(mcp.last("tools/list").headers().containsKey("Authorization"))
                .isFalse();
        JsonNode listed = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/sessions")
                .json();
        assertThat(listed.path("sessions").get(0).path("owner").path("subject").asText())
                .isEqualTo("alice");
    }

    @Test
    void anHttpPlusSseSessionBelongsToItsOwnerToo() {
        String alice = issuer.token("alice", RESOURCE);
        try (SseClient stream = SseClient.open(url("/mcp/tools/sse"), Map.of("Authorization", "Bearer " + alice))) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event endpoint = stream.next(Duration.ofSeconds(5));
            assertThat(endpoint.type()).isEqualTo("endpoint");
            String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
            assertThat(Http.send("POST", url(endpoint.data()), ping, bearer(issuer.token("bob", RESOURCE)))
                            .status())
                    .isEqualTo(404);
            assertThat(Http.send("POST", url(endpoint.data()), ping, Map.of("Content-Type", "application/json"))
                            .status())
                    .isEqualTo(401);
            assertThat(Http.send("POST", url(endpoint.data()), ping, bearer(alice))
                            .status())
                    .isEqualTo(202);
            SseClient.Event pong = stream.nextNonHeartbeat(Duration.ofSeconds(5));
            assertThat(pong.data()).contains("\"id\":1");
        }
    }

    @Test
    void theOfficialSdkClientConnectsWithABearerToken() {
        String token = issuer.token("sdk-user", RESOURCE);
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url(""))
                        .endpoint("/mcp/tools")
                        .httpRequestCustomizer((builder, method, uri, body, context) ->
                                builder.header("Authorization", "Bearer " + token))
                        .build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        try {
            client.initialize();
            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("x", 1)));
            assertThat(((McpSchema.TextContent) echo.content().getFirst()).text())
                    .isEqualTo("echo: {\"x\":1}");
        } finally {
            client.closeGracefully();
        }
        McpSyncClient anonymous = McpClient.sync(HttpClientStreamableHttpTransport.builder(url(""))
                        .endpoint("/mcp/tools")
                        .build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        try {
            assertThatThrownBy(anonymous::initialize).as("no token, no session");
        } finally {
            anonymous.close();
        }
    }

    @Test
    void clientIdsLiveInTheirIdentitysNamespace() {
        String alice = issuer.token("alice", RESOURCE);
        try (SseClient stream = SseClient.open(url("/sse/shared-id"), Map.of("Authorization", "Bearer " + alice))) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event connected = stream.nextNonHeartbeat(Duration.ofSeconds(5));
            assertThat(connected.data()).contains("\"client_id\":\"shared-id\"");

            String async = "{\"payload\":{\"from\":\"%s\"},\"client_id\":\"shared-id\",\"async\":true}";
            assertThat(Http.send(
                                    "POST",
                                    url("/invoke/echo"),
                                    async.formatted("bob"),
                                    bearer(issuer.token("bob", RESOURCE)))
                            .status())
                    .isEqualTo(202);
            assertThat(Http.send(
                                    "POST",
                                    url("/invoke/public-echo"),
                                    async.formatted("anonymous"),
                                    Map.of("Content-Type", "application/json"))
                            .status())
                    .isEqualTo(202);
            assertThat(Http.send("POST", url("/invoke/echo"), async.formatted("alice"), bearer(alice))
                            .status())
                    .isEqualTo(202);

            SseClient.Event result = stream.nextNonHeartbeat(Duration.ofSeconds(5));
            assertThat(result.type()).isEqualTo("function_response");
            assertThat(result.data())
                    .as("only alice's own result reaches alice's stream")
                    .contains("\"from\":\"alice\"");
            assertThatThrownBy(() -> stream.nextNonHeartbeat(Duration.ofMillis(500)))
                    .as("and nothing else")
                    .hasMessageContaining("no event");
        }
    }

    @Test
    void anMcpSessionOnTheStreamListenerIsAuthenticatedAndOwnedAlike() {
        String streams = "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/mcp/tools";
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        Map<String, String> anonymous =
                Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream");
        Http.Answer refused = Http.send("POST", streams, initialize, anonymous);
        Http.Answer refusedThere = Http.send("POST", url("/mcp/tools"), initialize, anonymous);
        assertThat(refused.status()).isEqualTo(refusedThere.status()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo(refusedThere.body());
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .isEqualTo(refusedThere.headers().firstValue("WWW-Authenticate"));

        Map<String, String> asAlice = new HashMap<>(bearer(issuer.token("alice", RESOURCE)));
        asAlice.putAll(anonymous);
        Http.Answer init = Http.send("POST", streams, initialize, asAlice);
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        asAlice.put("Mcp-Session-Id", sessionId);
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        Map<String, String> asBob = new HashMap<>(asAlice);
        asBob.putAll(bearer(issuer.token("bob", RESOURCE)));
        assertThat(Http.send("POST", streams, list, asBob).status())
                .as("another identity's session does not exist for it")
                .isEqualTo(404);
        Http.Answer own = Http.send("POST", streams, list, asAlice);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(mcp.last("tools/list").headers().getFirst("X-Switchboard-Subject"))
                .isEqualTo("alice");
        assertThat(Http.send("DELETE", streams, null, asBob).status()).isEqualTo(404);
        assertThat(Http.send("DELETE", streams, null, asAlice).status()).isEqualTo(204);
    }

    @Test
    void theStreamListenerAuthenticatesAlike() {
        String streams = "http://127.0.0.1:" + gateway.streamPort().orElseThrow();
        Http.Answer anonymous = Http.get(streams + "/sse/lean");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("resource_metadata=");
        for (String base : List.of(streams, url(""))) {
            Http.Answer preflight = Http.send(
                    "OPTIONS",
                    base + "/sse/lean",
                    null,
                    Map.of(
                            "Origin",
                            "https://app.example",
                            "Access-Control-Request-Method",
                            "GET",
                            "Access-Control-Request-Headers",
                            "authorization"));
            assertThat(preflight.status())
                    .as("browsers send preflights without credentials")
                    .isEqualTo(204);
            assertThat(preflight
                            .headers()
                            .firstValue("Access-Control-Allow-Headers")
                            .orElseThrow())
                    .contains("Authorization");
        }
        Http.Answer forged = Http.send("GET", streams + "/sse/lean", null, Map.of("Authorization", "Bearer nope"));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().path("code").asText()).isEqualTo("INVALID_CREDENTIALS");

        String alice = issuer.token("alice", RESOURCE);
        try (SseClient stream = SseClient.open(streams + "/sse/lean", Map.of("Authorization", "Bearer " + alice))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.nextNonHeartbeat(Duration.ofSeconds(5)).type()).isEqualTo("connected");
            String async = "{\"payload\":{\"from\":\"%s\"},\"client_id\":\"lean\",\"async\":true}";
            assertThat(Http.send(
                                    "POST",
                                    url("/invoke/echo"),
                                    async.formatted("bob"),
                                    bearer(issuer.token("bob", RESOURCE)))
                            .status())
                    .isEqualTo(202);
            assertThat(Http.send("POST", url("/invoke/echo"), async.formatted("alice"), bearer(alice))
                            .status())
                    .isEqualTo(202);
            assertThat(stream.nextNonHeartbeat(Duration.ofSeconds(5)).data()).contains("\"from\":\"alice\"");
        }
    }

    @Test
    void bothListenersAdmitThroughOnePipeline() {
        gateway.close();
        gateway = startGateway(Map.of("RATE_LIMIT_PER_IDENTITY", "0.001", "RATE_LIMIT_IDENTITY_BURST", "2"));
        String streams = "http://127.0.0.1:" + gateway.streamPort().orElseThrow();
        Map<String, String> forged = Map.of("Authorization", "Bearer nope");
        Http.Answer onPublic = Http.send("GET", url("/sse/same"), null, forged);
        Http.Answer onStream = Http.send("GET", streams + "/sse/same", null, forged);
        assertThat(onStream.status()).isEqualTo(onPublic.status()).isEqualTo(401);
        assertThat(onStream.json())
                .as("the same refusal, rendered by each listener")
                .isEqualTo(onPublic.json());
        assertThat(onStream.headers().firstValue("WWW-Authenticate"))
                .isEqualTo(onPublic.headers().firstValue("WWW-Authenticate"))
                .isPresent();

        // one budget per identity, whichever listener spends it
        Map<String, String> alice = bearer(issuer.token("alice", RESOURCE));
        assertThat(invoke("echo", alice).status()).isEqualTo(200);
        assertThat(invoke("echo", alice).status()).isEqualTo(200);
        for (String base : List.of(streams, url(""))) {
            Http.Answer limited = Http.send("GET", base + "/sse/alice", null, alice);
            assertThat(limited.status()).as(base).isEqualTo(429);
            assertThat(limited.json().path("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(limited.json().path("error").asText()).contains("from this identity");
            assertThat(limited.json().path("retry_after_seconds").asLong()).isPositive();
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void perIdentityLimitsRefuseClearly() {
        gateway.close();
        gateway = startGateway(Map.of(
                "RATE_LIMIT_PER_IDENTITY",
                "0.5",
                "RATE_LIMIT_IDENTITY_BURST",
                "3",
                "MAX_STREAMS_PER_IDENTITY",
                "2",
                "MAX_MCP_SESSIONS",
                "1"));
        String alice = issuer.token("alice", RESOURCE);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + alice);
        try (SseClient one = SseClient.open(url("/sse/a"), auth);
                SseClient two = SseClient.open(url("/sse/b"), auth)) {
            assertThat(one.status()).isEqualTo(200);
            assertThat(two.status()).isEqualTo(200);
            Http.Answer third = Http.send("GET", url("/sse/c"), null, auth);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.json().path("code").asText()).isEqualTo("TOO_MANY_STREAMS");
            Http.Answer limited = invoke("echo", bearer(alice));
            assertThat(limited.status()).as("the burst of 3 is spent").isEqualTo(429);
            assertThat(limited.json().path("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
        // another identity has its own budget; the fleet has room for one MCP session
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        Map<String, String> bob = new HashMap<>(bearer(issuer.token("bob", RESOURCE)));
        bob.put("Accept", "application/json, text/event-stream");
        assertThat(Http.send("POST", url("/mcp/tools"), initialize, bob).status())
                .isEqualTo(200);
        Map<String, String> carol = new HashMap<>(bearer(issuer.token("carol", RESOURCE)));
        carol.put("Accept", "application/json, text/event-stream");
        Http.Answer full = Http.send("POST", url("/mcp/tools"), initialize, carol);
        assertThat(full.status()).isEqualTo(503);
        assertThat(full.body()).contains("MAX_MCP_SESSIONS");
    }

    @Test
    void anUnreachableIssuerIsA503NotA401() {
        gateway.close();
        issuer.close();
        gateway = startGateway(Map.of());
        for (int i = 0; i < 3; i++) {
            // the retries within the key source's interval are refused by its rate limit: still the issuer's fault
            Http.Answer a = invoke("echo", bearer(issuer.token("alice", RESOURCE)));
            assertThat(a.status()).as(a.body()).isEqualTo(503);
            assertThat(a.json().path("code").asText()).isEqualTo("AUTH_UNAVAILABLE");
        }
        assertThat(invoke("echo", bearer(API_KEY)).status())
                .as("API keys need no issuer")
                .isEqualTo(200);
    }

    @Test
    void registeringARuleThisGatewayCannotCheckIsRefused() {
        gateway.close();
        gateway = Gateway.start(GatewayConfig.from(
                TestGateways.callingLoopback("REDIS_URL", TestRedis.shared().url())));
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"guarded\",\"auth\":\"jwt\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().path("field").asText()).isEqualTo("auth");
        // registered elsewhere (the operator, another replica): its calls are refused, not let through
        Http.Answer stored = invoke("keyed-echo", Map.of("Content-Type", "application/json"));
        assertThat(stored.status()).isEqualTo(503);
        assertThat(stored.json().path("code").asText()).isEqualTo("AUTH_NOT_CONFIGURED");
        assertThat(invoke("echo", Map.of("Content-Type", "application/json")).status())
                .as("without CLIENT_AUTH the rest stays open")
                .isEqualTo(200);
    }
}
