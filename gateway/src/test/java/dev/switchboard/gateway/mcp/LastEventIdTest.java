package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.WritableHeaders;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LastEventIdTest {
    private static Optional<LastEventId> of(String value) {
        return LastEventId.of(WritableHeaders.create().add(LastEventId.HEADER, value));
    }

    @Test
    void aPostStreamsIdAndAPlainLogIdAreRead() {
        String streamId = McpIds.streamId();
        assertThat(of(streamId + "/1700000000000-3")).hasValue(new LastEventId(streamId, "1700000000000-3"));
        assertThat(of("1700000000000-3")).hasValue(new LastEventId(McpIds.STANDALONE, "1700000000000-3"));
        assertThat(of("nosuch/0-1000"))
                .as("unknown, but of this gateway's shape")
                .isPresent();
        assertThat(of("")).isEmpty();
    }

    @Test
    void aStreamIdOfOtherCharactersOrTooLongIsRefusedNotEchoed() {
        for (String bad : new String[] {"\u00e9/1-0", "a b/1-0", "/1-0", "x".repeat(65) + "/1-0", "x/not-an-id"}) {
            assertThatThrownBy(() -> of(bad))
                    .as(bad)
                    .isInstanceOf(McpException.class)
                    .hasMessageContaining("not an event id of this gateway");
        }
        assertThat(of("x".repeat(64) + "/1-0")).isPresent();
    }
}
