package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddresses none = ClientAddresses.trusting(List.of());
        assertThat(none.client(peer("203.0.113.9"), Optional.of("198.51.100.1")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        ClientAddresses lb = ClientAddresses.trusting(List.of("10.0.0.0/8"));
        // a client may prepend anything; the proxy appends what it saw
        assertThat(lb.client(peer("10.1.1.1"), Optional.of("1.2.3.4, 198.51.100.7, 10.2.2.2")))
                .isEqualTo("198.51.100.7");
        assertThat(lb.client(peer("10.1.1.1"), Optional.empty())).isEqualTo("10.1.1.1");
        assertThat(lb.client(peer("203.0.113.9"), Optional.of("198.51.100.7")))
                .as("a peer that is not a trusted proxy speaks for itself")
                .isEqualTo("203.0.113.9");
        assertThat(lb.client(peer("10.1.1.1"), Optional.of("10.3.3.3"))).isEqualTo("10.1.1.1");
    }

    @Test
    void malformedBlocksAreConfigurationErrors() {
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("lb.internal/8")))
                .hasMessageStartingWith("TRUSTED_PROXIES:");
    }
}
