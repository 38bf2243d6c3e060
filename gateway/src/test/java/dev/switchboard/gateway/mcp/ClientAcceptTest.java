package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

class ClientAcceptTest {
    private static ClientAccept of(String... accept) {
        WritableHeaders<?> headers = WritableHeaders.create();
        if (accept.length > 0) {
            headers.add(HeaderNames.ACCEPT, accept);
        }
        return ClientAccept.of(headers);
    }

    @Test
    void theSpecsTwoTypesWildcardsAndNoHeaderAreRead() {
        assertThat(of("application/json, text/event-stream")).isEqualTo(new ClientAccept(true, true));
        assertThat(of("application/json")).isEqualTo(new ClientAccept(true, false));
        assertThat(of("Text/Event-Stream; charset=utf-8")).isEqualTo(new ClientAccept(false, true));
        assertThat(of()).as("no Accept: anything").isEqualTo(new ClientAccept(true, true));
        assertThat(of("*/*;q=0.8")).isEqualTo(new ClientAccept(true, true));
        assertThat(of("application/*")).isEqualTo(new ClientAccept(true, false));
        assertThat(of("text/*, application/json;q=0.5")).isEqualTo(new ClientAccept(true, true));
        assertThat(of("application/json", "text/event-stream"))
                .as("the header given twice")
                .isEqualTo(new ClientAccept(true, true));
    }

    @Test
    void aRangeIsMatchedWholeAndQZeroRefusesIt() {
        assertThat(of("application/json-seq, text/event-stream")).isEqualTo(new ClientAccept(false, true));
        assertThat(of("application/json;q=0, text/event-stream")).isEqualTo(new ClientAccept(false, true));
        assertThat(of("text/event-stream;q=0.000, application/json")).isEqualTo(new ClientAccept(true, false));
        assertThat(of("text/event-stream;q=0.01, application/json")).isEqualTo(new ClientAccept(true, true));
        for (String neither : new String[] {
            "application/jsonfoo",
            "xapplication/json",
            "foo/application/json",
            "text/event-stream-foo",
            "text/plain",
            "application/json;q=0",
            ""
        }) {
            assertThatThrownBy(() -> of(neither))
                    .as(neither)
                    .isInstanceOf(McpException.class)
                    .hasMessageContaining("application/json or text/event-stream");
        }
    }
}
