package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.TestDns;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SSRF guard's address rules, over names answered by {@link TestDns} as a DNS server would. */
class EgressRulesTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final EgressRules DEFAULT = EgressRules.allowing(List.of(), "FUNCTION_ALLOWED_NETWORKS");

    /** A fresh name answering the address (the JDK caches answers per name). */
    private static String nameFor(String address) {
        return TestDns.name("egress-" + NAMES.incrementAndGet(), address);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            IPv4 loopback                        | 127.0.0.1
            IPv4 private                         | 10.1.2.3
            IPv4 private                         | 172.16.0.1
            IPv4 private                         | 192.168.1.1
            IPv4 link-local, cloud metadata      | 169.254.169.254
            IPv4 shared (carrier NAT)            | 100.64.0.1
            IPv4 this network                    | 0.0.0.0
            IPv4 IETF assignments                | 192.0.0.8
            IPv4 documentation                   | 192.0.2.1
            IPv4 documentation                   | 198.51.100.1
            IPv4 documentation                   | 203.0.113.1
            IPv4 benchmarking                    | 198.18.0.1
            IPv4 multicast                       | 224.0.0.1
            IPv4 reserved                        | 240.0.0.1
            IPv4 broadcast                       | 255.255.255.255
            IPv6 unspecified                     | ::
            IPv6 loopback                        | ::1
            IPv4-mapped loopback                 | ::ffff:127.0.0.1
            IPv4-mapped metadata                 | ::ffff:169.254.169.254
            IPv4-mapped private                  | ::ffff:10.0.0.1
            IPv4-compatible loopback             | ::127.0.0.1
            IPv4-compatible private              | ::192.168.0.1
            IPv4-translated (SIIT) loopback      | ::ffff:0:127.0.0.1
            NAT64 loopback                       | 64:ff9b::127.0.0.1
            NAT64 metadata                       | 64:ff9b::a9fe:a9fe
            NAT64 local-use, any                 | 64:ff9b:1::8.8.8.8
            6to4 loopback                        | 2002:7f00:1::
            6to4 metadata                        | 2002:a9fe:a9fe::1
            6to4 private                         | 2002:c0a8:101:1::1
            Teredo client loopback (inverted)    | 2001:0:808:808:0:0:80ff:fffe
            Teredo server private                | 2001:0:a00:1:0:0:f7f7:f7f7
            IPv6 link-local                      | fe80::1
            IPv6 site-local (deprecated)         | fec0::1
            IPv6 unique-local                    | fd00::1
            IPv6 unique-local                    | fc00::7
            IPv6 multicast                       | ff02::1
            IPv6 discard-only                    | 100::1
            IPv6 documentation                   | 2001:db8::1
            IPv6 documentation                   | 3fff::1
            """)
    void everyNonPublicFormIsRefusedByDefault(String form, String address) {
        String name = nameFor(address);
        assertThatThrownBy(() -> DEFAULT.resolve(name))
                .as(form)
                .isInstanceOf(EgressRules.EgressRefusedException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("FUNCTION_ALLOWED_NETWORKS (unset)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            IPv4 public                          | 8.8.8.8
            IPv4 public next to private          | 172.32.0.1
            IPv4 public next to shared           | 100.128.0.1
            IPv6 public                          | 2606:4700::1111
            IPv4-mapped public                   | ::ffff:8.8.8.8
            NAT64 public                         | 64:ff9b::8.8.8.8
            6to4 public                          | 2002:808:808::1
            Teredo public server and client      | 2001:0:808:808:0:0:f7f7:f7f7
            """)
    void publicAddressesInAnyFormArePermitted(String form, String address) throws Exception {
        assertThat(DEFAULT.resolve(nameFor(address)).getAddress()).as(form).isEqualTo(TestDns.bytes(address));
    }

    @Test
    void anAaaaAnswerOfTheMappedFormStaysAnIpv6AddressTheJdkCallsPublic() throws Exception {
        InetAddress answer = InetAddress.getAllByName(nameFor("::ffff:127.0.0.1"))[0];
        assertThat(answer).isInstanceOf(Inet6Address.class);
        assertThat(answer.isLoopbackAddress())
                .as("why the bytes are checked, not the JDK's predicates")
                .isFalse();
        assertThat(DEFAULT.permits(answer)).isFalse();
    }

    @Test
    void anIpv4BlockHoldsTheMappedFormButNotTranslatedOnes() throws Exception {
        EgressRules loopback = EgressRules.allowing(List.of("127.0.0.0/8"), "FUNCTION_ALLOWED_NETWORKS");
        assertThat(loopback.resolve(nameFor("::ffff:127.0.0.1")).getAddress()).hasSize(16);
        for (String translated : List.of("64:ff9b::127.0.0.1", "2002:7f00:1::", "::127.0.0.1")) {
            assertThatThrownBy(() -> loopback.resolve(nameFor(translated)))
                    .as(translated)
                    .isInstanceOf(EgressRules.EgressRefusedException.class);
        }
        EgressRules nat64 = EgressRules.allowing(List.of("64:ff9b::/96"), "FUNCTION_ALLOWED_NETWORKS");
        assertThat(nat64.resolve(nameFor("64:ff9b::10.0.0.1")).getAddress()).hasSize(16);
    }

    @Test
    void aNameIsRefusedIfAnyOfItsAnswersIs() {
        String name = TestDns.name("egress-mixed-" + NAMES.incrementAndGet(), "8.8.8.8", "::ffff:127.0.0.1");
        assertThatThrownBy(() -> DEFAULT.resolve(name))
                .isInstanceOf(EgressRules.EgressRefusedException.class)
                .hasMessageContaining("ffff:7f00:1");
    }
}
