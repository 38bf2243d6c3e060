package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A listener is asked the way a client would: a bound port is up, a port nobody listens on is down. */
class ListenerChecksTest {
    @Test
    void aClosedListenerIsDownAndABoundOneUp() throws Exception {
        int port;
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
            assertThat(ListenerChecks.probe(new InetSocketAddress("127.0.0.1", port)))
                    .isEqualTo(ListenerChecks.State.UP);
        }
        assertThat(ListenerChecks.probe(new InetSocketAddress("127.0.0.1", port)))
                .isEqualTo(ListenerChecks.State.DOWN);
        int gone = port;
        assertThat(new ListenerChecks()
                        .add("public", ListenerChecks.connecting("0.0.0.0", () -> gone))
                        .allAccepting())
                .isFalse();
    }
}
