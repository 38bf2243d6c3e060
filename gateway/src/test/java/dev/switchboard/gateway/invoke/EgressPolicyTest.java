package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.registry.EgressRules;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void onlyPublicAddressesByDefault() throws Exception {
        EgressPolicy policy = EgressPolicy.allowing(List.of());
        for (String inside : List.of(
                "127.0.0.1",
                "127.8.8.8",
                "10.1.2.3",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "224.0.0.1",
                "255.255.255.255",
                "::1",
                "::",
                "fe80::1",
                "fd00::1",
                "fc00::7",
                "::ffff:169.254.169.254",
                "::ffff:127.0.0.1")) {
            assertThat(policy.permits(ip(inside))).as(inside).isFalse();
        }
        for (String outside : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111")) {
            assertThat(policy.permits(ip(outside))).as(outside).isTrue();
        }
    }

    @Test
    void anAllowlistOpensItsBlocksAndNothingElse() throws Exception {
        EgressPolicy policy =
                EgressPolicy.allowing(List.of("127.0.0.0/8", "10.20.0.0/16", "fd12:3456::/32", "192.168.7.7"));
        assertThat(policy.permits(ip("127.0.0.1"))).isTrue();
        assertThat(policy.permits(ip("10.20.200.1"))).isTrue();
        assertThat(policy.permits(ip("10.21.0.1"))).isFalse();
        assertThat(policy.permits(ip("fd12:3456::9"))).isTrue();
        assertThat(policy.permits(ip("fd12:3457::9"))).isFalse();
        assertThat(policy.permits(ip("192.168.7.7"))).isTrue();
        assertThat(policy.permits(ip("192.168.7.8"))).isFalse();
        assertThat(policy.permits(ip("169.254.169.254")))
                .as("metadata is not in any block")
                .isFalse();
        assertThat(EgressPolicy.allowing(List.of("10.0.0.0/9")).permits(ip("10.127.255.255")))
                .isTrue();
        assertThat(EgressPolicy.allowing(List.of("10.0.0.0/9")).permits(ip("10.128.0.0")))
                .isFalse();
    }

    @Test
    void resolvingANameChecksEveryAddressAndNamesTheSetting() throws Exception {
        EgressPolicy closed = EgressPolicy.allowing(List.of());
        assertThatThrownBy(() -> closed.resolve("localhost"))
                .isInstanceOf(EgressRules.EgressRefusedException.class)
                .hasMessageContaining("localhost")
                .hasMessageContaining("FUNCTION_ALLOWED_NETWORKS (unset)");
        assertThatThrownBy(() -> closed.resolve("[::1]")).isInstanceOf(EgressRules.EgressRefusedException.class);
        assertThat(EgressPolicy.allowing(List.of("127.0.0.0/8", "::1/128"))
                        .resolve("localhost")
                        .isLoopbackAddress())
                .isTrue();
        assertThat(closed.resolve("8.8.4.4")).isEqualTo(ip("8.8.4.4"));
    }

    @Test
    void malformedBlocksAreConfigurationErrors() {
        for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0/8x", "::1/129", "/8")) {
            assertThatThrownBy(() -> EgressPolicy.allowing(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("FUNCTION_ALLOWED_NETWORKS:");
        }
    }
}
