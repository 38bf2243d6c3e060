package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.ResumableStream;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stateful function's standalone stream, relayed by the gateway, ends and is opened again: the gateway
 * asks to resume after the last event id it relayed ({@code Last-Event-ID}), so what the function said while
 * its stream was down reaches the client; a function that cannot resume gets a fresh stream. The position is kept
 * with the session, so a replica that opens the stream next (the client's stream closed and came back, here or
 * through another replica) resumes there too. Real sockets, gateways on Redis.
 */
class McpBackendStreamResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> JSON =
            Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream");

    private McpFunctionStub function;
    private ResumableStream stream;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        function = McpFunctionStub.start(true);
        stream = new ResumableStream();
        function.serveStreamsWith(stream);
        gateway = gateway("resume");
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"5s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    /** A replica on the shared Redis; heartbeats each second, so that a client's closed stream is noticed soon. */
    private static Gateway gateway(String replicaId) {
        return Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL", TestRedis.shared().url(), "REPLICA_ID", replicaId, "HEARTBEAT_INTERVAL", "1s")));
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    /** @return a new session's id */
    private String initialize() {
        Http.Answer init = Http.send(
                "POST",
                "http://127.0.0.1:" + gateway.port() + "/mcp/tools",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                JSON);
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** @return a client's stream of the session on that replica, once the function's own stream is relayed to it */
    private SseClient streamOn(Gateway replica, String session) {
        SseClient client = SseClient.open(
                "http://127.0.0.1:" + replica.port() + "/mcp/tools",
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
        assertThat(client.status()).isEqualTo(200);
        await().atMost(WAIT).until(stream::isOpen);
        return client;
    }

    /** @return a client's stream of a new session, once the function's own stream is relayed to it */
    private SseClient sessionStream() {
        return streamOn(gateway, initialize());
    }

    /**
     * A session whose one client stream got a message of the function's, then closed; the replica let the function's
     * stream go with it (it gives the lease up after closing that stream), and the function said something more
     * with no stream open.
     *
     * @return the session
     */
    private String sessionWhoseFunctionSpokeWhileNoStreamWasOpen() {
        String session = initialize();
        try (SseClient client = streamOn(gateway, session)) {
            stream.send(notification("before"));
            assertThat(client.nextWithData("before", WAIT)).isNotNull();
        }
        String lease = RedisKeys.lease("mcp-backend-stream:" + session);
        await().atMost(WAIT).until(() -> ":0".equals(TestRedis.shared().command("EXISTS", lease)));
        stream.cut(notification("while-away"));
        return session;
    }

    private static String notification(String text) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\""
                + text + "\"}}";
    }

    @Test
    void whatTheFunctionSaidWhileItsStreamWasDownArrivesAfterTheReopen() {
        try (SseClient client = sessionStream()) {
            stream.send(notification("before"));
            assertThat(client.nextWithData("before", WAIT)).isNotNull();

            stream.cut(notification("while-down-1"), notification("while-down-2"));

            assertThat(client.nextWithData("while-down-1", WAIT)).isNotNull();
            assertThat(client.nextWithData("while-down-2", WAIT)).isNotNull();
            // the first open had nothing to resume; the reopen resumed after the one event relayed
            assertThat(stream.resumedFrom()).containsExactly("", "1");

            stream.send(notification("after"));
            assertThat(client.nextWithData("after", WAIT)).isNotNull();
        }
    }

    @Test
    void whatAFunctionsOwnStreamMayNotCarryIsDroppedNotRelayed() {
        try (SseClient client = sessionStream()) {
            // what a function's event store, replaying its other streams on this one, sends: responses to the
            // client's requests (they would settle them with another request's answer) and data that is no message
            stream.send("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"content\":[]}}");
            stream.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"elsewhere\"}}");
            stream.send("{}");
            stream.send("not json");
            stream.send("{\"jsonrpc\":\"1.0\",\"method\":\"notifications/message\"}");
            stream.send(notification("after"));
            java.util.List<String> relayed = new java.util.ArrayList<>();
            while (relayed.isEmpty() || !relayed.getLast().contains("after")) {
                SseClient.Event e = client.next(WAIT);
                if (e.data() != null && !e.data().isEmpty()) {
                    relayed.add(e.data());
                }
            }
            assertThat(relayed).hasSize(1);
            // the stream goes on: what follows is relayed
            stream.send(notification("later"));
            assertThat(client.nextWithData("later", WAIT)).isNotNull();
        }
    }

    @Test
    void aFunctionThatCannotResumeGetsAFreshStream() {
        try (SseClient client = sessionStream()) {
            stream.send(notification("before"));
            assertThat(client.nextWithData("before", WAIT)).isNotNull();

            stream.forgetEvents();
            stream.cut();

            await().atMost(WAIT).until(stream::isOpen);
            assertThat(stream.resumedFrom()).containsExactly("", "1", "");
            stream.send(notification("after"));
            assertThat(client.nextWithData("after", WAIT)).isNotNull();
        }
    }

    @Test
    void aClientThatOpensItsStreamAgainGetsWhatTheFunctionSaidWhileNoneWasOpen() {
        String session = sessionWhoseFunctionSpokeWhileNoStreamWasOpen();

        try (SseClient again = streamOn(gateway, session)) {
            assertThat(again.nextWithData("while-away", WAIT)).isNotNull();
        }
        // the replica's watch of the session ended with its last client stream: the position came from the store
        assertThat(stream.resumedFrom()).containsExactly("", "1");
    }

    @Test
    void aReplicaThatOpensTheFunctionsStreamAfterAnotherResumesWhereThatOneStopped() {
        String session = sessionWhoseFunctionSpokeWhileNoStreamWasOpen();

        // the client comes back through another replica (its first one went away, or a balancer chose so)
        try (Gateway other = gateway("resume-other");
                SseClient again = streamOn(other, session)) {
            assertThat(again.nextWithData("while-away", WAIT)).isNotNull();
            assertThat(stream.resumedFrom()).containsExactly("", "1");
        }
    }
}
