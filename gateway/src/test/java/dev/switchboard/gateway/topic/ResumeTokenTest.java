package dev.switchboard.gateway.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeTokenTest {
    private static final List<String> LOGS = List.of("reader", "topic:room:1", "topic:news");

    @Test
    void aTokenReadsBackAsItsPositionsAndIsCompactAndUrlSafe() {
        String[] positions = {"1764470000123-0", "0-0", "18446744073709551615-18446744073709551615"};
        String token = ResumeToken.encode(LOGS, positions);
        assertThat(token).startsWith("v1.").matches("[0-9a-z.-]+");
        assertThat(ResumeToken.decode(token, LOGS)).containsExactly(positions);
        assertThat(ResumeToken.encode(LOGS, new String[] {"1764470000123-0", "1764470000123-1", "0-0"}))
                .hasSizeLessThan(3 * 14 + 12);
    }

    @Test
    void aTokenOfOtherLogsOrMalformedIsRefused() {
        String token = ResumeToken.encode(LOGS, new String[] {"1-0", "2-0", "3-0"});
        assertThatThrownBy(() -> ResumeToken.decode(token, List.of("reader", "topic:news", "topic:room:1")))
                .hasMessageContaining("other topics");
        assertThatThrownBy(() -> ResumeToken.decode(token, List.of("reader", "topic:room:1")))
                .isInstanceOf(IllegalArgumentException.class);
        String prefix = token.substring(0, token.indexOf('.', 3));
        // the right stream's token with a position missing or added, or no checksum: malformed, not another stream's
        for (String malformed : List.of(prefix + ".1-0.2-0", prefix + ".1-0.2-0.3-0.4-0", "v1.", "v1..0-0.0-0.0-0")) {
            assertThatThrownBy(() -> ResumeToken.decode(malformed, LOGS))
                    .as(malformed)
                    .hasMessageStartingWith("malformed resume token");
        }
        for (String bad : List.of(
                prefix + ".1-0.2-0",
                prefix + ".1-0.2-0.+3-0",
                prefix + ".1-0.2-0.3",
                prefix + ".1-0.2-0.zzzzzzzzzzzzzz-0",
                prefix + ".1-0.2-0.A-0",
                prefix + ".1-0.2-0.-",
                prefix + ".1-0.2-0.3-0.4-0",
                "v2" + token.substring(2),
                "",
                "v1")) {
            assertThatThrownBy(() -> ResumeToken.decode(bad, LOGS))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
