package dev.switchboard.gateway.invoke.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.http.AsciiBytes;
import org.junit.jupiter.api.Test;

/** The layering rules of a function call's headers: what may be set, what replaces what, what is refused. */
class RequestHeadersTest {
    private static String lines(RequestHeaders headers) {
        AsciiBytes head = new AsciiBytes(16);
        headers.appendTo(head);
        return new String(head.toArray(null), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void framingHeadersAreTheClientsOwnInAnyCase() {
        RequestHeaders headers = new RequestHeaders()
                .set("Host", "evil")
                .set("CONTENT-LENGTH", "0")
                .set("transfer-Encoding", "chunked")
                .set("Connection", "close")
                .set("Hosts", "kept: not a framing header")
                .set("X-Connection", "kept");

        assertThat(lines(headers)).isEqualTo("Hosts: kept: not a framing header\r\nX-Connection: kept\r\n");
    }

    @Test
    void aLaterLayerReplacesTheSameNameInAnyCaseAndNullRemovesIt() {
        RequestHeaders headers = new RequestHeaders()
                .set("X-Tenant", "a")
                .set("X-Gone", "b")
                .set("x-tenant", "c")
                .set("X-GONE", null);

        assertThat(lines(headers)).isEqualTo("x-tenant: c\r\n");
    }

    @Test
    void namesAndValuesThatCouldSplitTheHeadAreRefused() {
        for (String bad : new String[] {"a\rb", "a\nb", "a\0b"}) {
            assertThatThrownBy(() -> new RequestHeaders().set("X-Value", bad))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new RequestHeaders().set(bad, "v")).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[] {"", "X Name", "X:Name"}) {
            assertThatThrownBy(() -> new RequestHeaders().set(bad, "v")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
