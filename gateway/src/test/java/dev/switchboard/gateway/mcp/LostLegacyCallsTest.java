package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.testing.TestRedis;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost HTTP+SSE request's answer, against a real Redis: the JSON-RPC error of a lost call in the session stream's
 * log while the session lasts, nothing once it ended (nobody waits for it).
 */
class LostLegacyCallsTest {
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

    @Test
    void aLostRequestOfALiveSessionIsAnsweredOnItsStream() {
        open("sse.live");
        lost.answer(new ReplicaWork.Item(LostLegacyCalls.callId("sse.live", IntNode.valueOf(7)), logKey("sse.live")));

        List<ClientEvent> log = store.events().readAfter(logKey("sse.live"), "0", 10);
        assertThat(log).hasSize(1);
        assertThat(log.getFirst().type()).isEqualTo("message");
        assertThat(log.getFirst().data()).contains("\"id\":7", "-32000", "stopped before it was answered");
    }

    @Test
    void aLostRequestOfAnEndedSessionIsLeftAlone() {
        lost.answer(new ReplicaWork.Item(LostLegacyCalls.callId("sse.ended", IntNode.valueOf(7)), logKey("sse.ended")));

        assertThat(store.events().readAfter(logKey("sse.ended"), "0", 10)).isEmpty();
    }
}
