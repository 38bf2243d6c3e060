package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.state.ClientEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a resume waits on a quiet call's log before it takes the call for lost, by what the log said last. */
class QuietLimitsTest {
    private final QuietLimits limits =
            QuietLimits.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(15));

    @Test
    void aRunningCallMayBeQuietForTwoTimeoutsAndAHeartbeat() {
        assertThat(limits.running()).isEqualTo(Duration.ofSeconds(75));
        assertThat(limits.firstAppend())
                .as("an empty log: expired, or an older gateway's call in its first round")
                .isEqualTo(Duration.ofSeconds(45));
        assertThat(limits.after(new ClientEvent("1-0", PostStreamLog.OPENED, "7")))
                .isEqualTo(limits.running());
        assertThat(limits.after(new ClientEvent(
                        "1-1", PostStreamLog.MESSAGE, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}")))
                .as("a notification asks nothing of the client")
                .isEqualTo(limits.running());
        assertThat(limits.after(null)).isEqualTo(limits.running());
    }

    @Test
    void aCallThatAskedTheClientMayAlsoWaitForItsAnswers() {
        ClientEvent asked = new ClientEvent(
                "1-2",
                PostStreamLog.MESSAGE,
                "{\"jsonrpc\":\"2.0\",\"id\":\"in-1\",\"method\":\"elicitation/create\",\"params\":{}}");
        assertThat(limits.after(asked)).isEqualTo(Duration.ofSeconds(375));
        assertThat(limits.after(new ClientEvent("1-3", PostStreamLog.MESSAGE, "{\"method\":")))
                .as("not JSON: no request")
                .isEqualTo(limits.running());
    }
}
