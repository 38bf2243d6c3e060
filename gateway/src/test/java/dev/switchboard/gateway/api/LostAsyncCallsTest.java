package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.gateway.topic.TopicNames;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost async call's answer, against a real Redis: a {@code CALL_LOST} result where the call's result would have
 * gone (the client's log, the topic's), and nothing more where the replica stored the result before it died.
 */
class LostAsyncCallsTest {
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(2);
    private RedisStateStore store;
    private PeriodicWork clock;
    private LostAsyncCalls lost;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        store = TestStores.redis("lost-calls-test");
        clock = new PeriodicWork("test-clock");
        lost = new LostAsyncCalls(
                store.replicaWork(ReplicaWork.ASYNC_CALLS), store.events(), new GatewayMetrics(), TOKEN_LIFE, clock);
    }

    @AfterEach
    void stop() {
        lost.close();
        clock.close();
        store.close();
    }

    private List<ClientEvent> log(String key) {
        return store.events().readAfter(key, "0", 10);
    }

    @Test
    void aLostCallIsAnsweredWhereItsResultWouldHaveGone() {
        lost.answer(new ReplicaWork.Item("r-1", AsyncCallRecord.encode("slow", "client-a", "news")));

        List<ClientEvent> client = log("client-a");
        assertThat(client).hasSize(1);
        assertThat(client.getFirst().type()).isEqualTo("function_response");
        assertThat(client.getFirst().data()).contains("\"request_id\":\"r-1\"", "\"code\":\"CALL_LOST\"");
        List<ClientEvent> topic = log(TopicNames.logKey("news"));
        assertThat(topic).hasSize(1);
        assertThat(topic.getFirst().data()).contains("\"topic\":\"news\"", "\"code\":\"CALL_LOST\"");
    }

    @Test
    void aResultStoredBeforeItsReplicaDiedIsKeptAndNothingIsAdded() {
        // what the replica stored just before it died, under the result's delivery token
        store.events()
                .publishAll(
                        "client-a",
                        List.of(ClientEventLog.Pending.delivery(
                                "function_response",
                                "{\"success\":true,\"request_id\":\"r-2\"}",
                                Invocations.deliveryToken("r-2", "response"),
                                TOKEN_LIFE)));

        lost.answer(new ReplicaWork.Item("r-2", AsyncCallRecord.encode("slow", "client-a", null)));

        List<ClientEvent> client = log("client-a");
        assertThat(client).hasSize(1);
        assertThat(client.getFirst().data()).contains("\"success\":true");
    }
}
