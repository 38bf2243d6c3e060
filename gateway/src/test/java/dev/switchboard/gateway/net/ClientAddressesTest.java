package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddresses none = ClientAddresses.trusting(List.of());
        assertThat(none.client(peer("203.0.113.9"), List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        ClientAddresses lb = ClientAddresses.trusting(List.of("10.0.0.0/8"));
        // a client may prepend anything; the proxy appends what it saw
        assertThat(lb.client(peer("10.1.1.1"), List.of("1.2.3.4, 198.51.100.7, 10.2.2.2")))
                .isEqualTo("198.51.100.7");
        assertThat(lb.client(peer("10.1.1.1"), List.of())).isEqualTo("10.1.1.1");
        assertThat(lb.client(peer("203.0.113.9"), List.of("198.51.100.7")))
                .as("a peer that is not a trusted proxy speaks for itself")
                .isEqualTo("203.0.113.9");
        assertThat(lb.client(peer("10.1.1.1"), List.of("10.3.3.3")))
                .as("proxies all the way: the farthest one known")
                .isEqualTo("10.3.3.3");
    }

    @Test
    void theHeadersLinesAreOneListSoALineTheClientSentFirstNamesNobody() {
        ClientAddresses lb = ClientAddresses.trusting(List.of("10.0.0.0/8"));
        // the client's own line, then its proxy's (HAProxy's option forwardfor adds a line of its own)
        assertThat(lb.client(peer("10.1.1.1"), List.of("198.51.100.99", "203.0.113.5")))
                .isEqualTo("203.0.113.5");
        assertThat(lb.client(peer("10.1.1.1"), List.of("1.1.1.1, 198.51.100.99", "203.0.113.5, 10.2.2.2")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void aHopThatIsNoAddressIsNoKeyTheNearestProxyIs() {
        ClientAddresses lb = ClientAddresses.trusting(List.of("10.0.0.0/8"));
        // text the client chose, passed on by a proxy that added nothing: a new text per request would be a new key
        assertThat(lb.client(peer("10.1.1.1"), List.of("garbage-1"))).isEqualTo("10.1.1.1");
        assertThat(lb.client(peer("10.1.1.1"), List.of("198.51.100.7, garbage-2, 10.2.2.2")))
                .isEqualTo("10.2.2.2");
        assertThat(lb.client(peer("10.1.1.1"), List.of(" , "))).isEqualTo("10.1.1.1");
    }

    @Test
    void malformedBlocksAreConfigurationErrors() {
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("lb.internal/8")))
                .hasMessageStartingWith("TRUSTED_PROXIES:");
    }
}
