package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost HTTP+SSE request's answer, against a real Redis: the JSON-RPC error of a lost call in the session stream's
 * log while the session lasts, nothing once it ended (nobody waits for it), and one message for the request whichever
 * of its answer and the error comes first.
 */
class LostLegacyCallsTest {
    private static final Duration RETRY = Duration.ofSeconds(30);

    private RedisStateStore store;
    private PeriodicWork clock;
    private LostLegacyCalls lost;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        store = TestStores.redis("lost-legacy-test");
        clock = new PeriodicWork("test-clock");
        lost = new LostLegacyCalls(
                store.replicaWork(ReplicaWork.LEGACY_CALLS),
                store.mcpSessions(),
                store.events(),
                new GatewayMetrics(),
                RETRY,
                clock);
    }

    @AfterEach
    void stop() {
        lost.close();
        clock.close();
        store.close();
    }

    private static String logKey(String sessionId) {
        return McpIds.logKey(sessionId, McpIds.LEGACY_STREAM);
    }

    private void open(String sessionId) {
        store.mcpSessions()
                .save(new McpSession(
                        sessionId,
                        "tools",
                        McpVersions.LEGACY_SSE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Instant.now(),
                        Identity.ANONYMOUS));
    }

    private static ReplicaWork.Item recorded(String sessionId, int requestId, String answerToken) {
        return new ReplicaWork.Item(
                LostLegacyCalls.callId(sessionId, IntNode.valueOf(requestId)),
                new LostLegacyCalls.Recorded(logKey(sessionId), answerToken).encode());
    }

    /** What the replica running the request logs as its answer. */
    private void answerAsTheReplicaDoes(String sessionId, int requestId, String answerToken) {
        new LogSink(store.events(), logKey(sessionId), answerToken, RETRY)
                .send(JsonRpc.result(IntNode.valueOf(requestId), Json.object().put("answered", true)), true);
    }

    @Test
    void aLostRequestOfALiveSessionIsAnsweredOnItsStream() {
        open("sse.live");
        lost.answer(recorded("sse.live", 7, LostLegacyCalls.answerToken()));

        List<ClientEvent> log = store.events().readAfter(logKey("sse.live"), "0", 10);
        assertThat(log).hasSize(1);
        assertThat(log.getFirst().type()).isEqualTo("message");
        assertThat(log.getFirst().data()).contains("\"id\":7", "-32000", "stopped before it was answered");
    }

    @Test
    void anAnswerLoggedJustBeforeItsReplicaDiedIsNotFollowedByTheError() {
        open("sse.answered");
        String token = LostLegacyCalls.answerToken();
        answerAsTheReplicaDoes("sse.answered", 7, token);
        lost.answer(recorded("sse.answered", 7, token));

        List<ClientEvent> log = store.events().readAfter(logKey("sse.answered"), "0", 10);
        assertThat(log).extracting(ClientEvent::data).singleElement().asString().contains("\"answered\":true");
    }

    @Test
    void aLateAnswerOfAReplicaTakenForDeadIsNotLoggedBehindTheError() {
        open("sse.late");
        String token = LostLegacyCalls.answerToken();
        lost.answer(recorded("sse.late", 7, token));
        answerAsTheReplicaDoes("sse.late", 7, token);

        List<ClientEvent> log = store.events().readAfter(logKey("sse.late"), "0", 10);
        assertThat(log).extracting(ClientEvent::data).singleElement().asString().contains("-32000");
    }

    @Test
    void aRequestRecordedByAnEarlierVersionIsAnsweredWithoutAToken() {
        open("sse.old");
        lost.answer(new ReplicaWork.Item(LostLegacyCalls.callId("sse.old", IntNode.valueOf(7)), logKey("sse.old")));

        List<ClientEvent> log = store.events().readAfter(logKey("sse.old"), "0", 10);
        assertThat(log).hasSize(1);
        assertThat(log.getFirst().type()).isEqualTo("message");
        assertThat(log.getFirst().data()).contains("\"id\":7", "-32000", "stopped before it was answered");
    }

    @Test
    void aLostRequestOfAnEndedSessionIsLeftAlone() {
        lost.answer(recorded("sse.ended", 7, LostLegacyCalls.answerToken()));

        assertThat(store.events().readAfter(logKey("sse.ended"), "0", 10)).isEmpty();
    }
}
