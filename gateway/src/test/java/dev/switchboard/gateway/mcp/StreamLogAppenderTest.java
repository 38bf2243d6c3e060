package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An MCP stream's appends across a Redis outage, on a real Redis reached through a forwarder that can cut it off: an
 * answer stored once under its delivery token ({@link StreamLogAppender#appendOnce}) keeps its token while it is held
 * back, so that of the answer and the fleet's error under the same token ({@link LostLegacyCalls}) the log still holds
 * only the first, whichever side of the outage it was logged on.
 */
class StreamLogAppenderTest {
    private static final String LOG = "mcp-log-append-test";
    private static final String TOKEN = "#sse:append-test";
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(2);

    private TcpForwarder toRedis;
    private RedisStateStore store;
    private ClientEventLog events;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        toRedis = TcpForwarder.start(TestRedis.shared().port());
        store = new RedisStateStore(
                RedisConnections.connect("redis://127.0.0.1:" + toRedis.port(), Duration.ofSeconds(1)),
                Clock.systemUTC(),
                "append-test",
                100,
                Duration.ofHours(1),
                Duration.ofMinutes(30));
        events = store.events();
    }

    @AfterEach
    void stop() {
        store.close();
        toRedis.close();
    }

    private static ClientEventLog.Pending answer() {
        return ClientEventLog.Pending.delivery("message", "{\"id\":7,\"result\":{}}", TOKEN, TOKEN_LIFE);
    }

    private static ClientEventLog.Pending fleetError() {
        return ClientEventLog.Pending.delivery("message", "{\"id\":7,\"error\":{}}", TOKEN, TOKEN_LIFE);
    }

    @Test
    void anAnswerHeldBackThroughAnOutageKeepsItsTokenForTheFleetsError() throws Exception {
        StreamLogAppender appender = new StreamLogAppender(events, LOG, "s1", Duration.ofSeconds(30));
        cutRedis();
        assertThat(appender.append("message", "{\"progress\":1}", null)).isNull();
        assertThat(appender.appendOnce(answer()))
                .as("held back: the store is away")
                .isNull();

        reconnectRedis();
        // the next event logs the held ones before it, in order
        assertThat(appender.append("message", "{\"note\":\"after\"}", null)).isNotNull();
        assertThat(data()).containsExactly("{\"progress\":1}", "{\"id\":7,\"result\":{}}", "{\"note\":\"after\"}");

        // the fleet's error for the same request, under the request's token, is not logged behind the answer
        assertThat(events.publishAll(LOG, List.of(fleetError())).getFirst().duplicate())
                .isTrue();
        assertThat(data()).hasSize(3);
    }

    @Test
    void anAnswerHeldBackBehindTheFleetsErrorIsNotLoggedAfterIt() throws Exception {
        StreamLogAppender appender = new StreamLogAppender(events, LOG, "s2", Duration.ofSeconds(30));
        cutRedis();
        assertThat(appender.appendOnce(answer())).isNull();

        reconnectRedis();
        // another replica took this one for dead and answered the request first
        assertThat(events.publishAll(LOG, List.of(fleetError())).getFirst().duplicate())
                .isFalse();

        assertThat(appender.append("message", "{\"note\":\"after\"}", null)).isNotNull();
        assertThat(data())
                .as("the client's one answer is the first logged, the error")
                .containsExactly("{\"id\":7,\"error\":{}}", "{\"note\":\"after\"}");
    }

    private List<String> data() {
        return events.readAfter(LOG, "0-0", 100).stream().map(ClientEvent::data).toList();
    }

    private void cutRedis() throws Exception {
        toRedis.cutOff();
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isAvailable());
    }

    /** Redis back, and this replica reconnected: each append then is tried once, as a stream's are. */
    private void reconnectRedis() {
        toRedis.retarget(TestRedis.shared().port());
        await().atMost(Duration.ofSeconds(10)).until(events::isAvailable);
    }
}
