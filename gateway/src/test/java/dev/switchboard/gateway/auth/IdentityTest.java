package dev.switchboard.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.registry.ClientAuth;
import org.junit.jupiter.api.Test;

class IdentityTest {
    @Test
    void scopesSeparateMethodsIssuersAndSubjects() {
        Identity alice = new Identity(ClientAuth.JWT, "alice", "https://a");
        assertThat(alice.scope()).hasSize(16).isEqualTo(new Identity(ClientAuth.JWT, "alice", "https://a").scope());
        assertThat(alice.scope()).isNotEqualTo(new Identity(ClientAuth.JWT, "alice", "https://b").scope());
        assertThat(alice.scope()).isNotEqualTo(new Identity(ClientAuth.API_KEY, "alice", "https://a").scope());
        assertThat(Identity.ANONYMOUS.scope()).isEmpty();
    }

    @Test
    void theSubjectHeaderIsOneLineOfAsciiThatDecodesBack() {
        String subject = "ann\r\nX-Evil: 1 100% é";
        String header =
                new Identity(ClientAuth.JWT, subject, "i").functionHeaders().get(Identity.SUBJECT_HEADER);
        assertThat(header).isEqualTo("ann%0D%0AX-Evil: 1 100%25 %C3%A9");
        assertThat(java.net.URLDecoder.decode(header.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(subject);
        assertThat(Identity.ANONYMOUS.functionHeaders()).isEmpty();
    }

    @Test
    void streamsPerIdentityAreCountedAndReleased() {
        IdentityStreams streams = new IdentityStreams(2);
        Identity alice = new Identity(ClientAuth.API_KEY, "alice", "");
        assertThat(streams.acquire(alice)).isTrue();
        assertThat(streams.acquire(alice)).isTrue();
        assertThat(streams.acquire(alice)).isFalse();
        assertThat(streams.acquire(new Identity(ClientAuth.API_KEY, "bob", ""))).isTrue();
        streams.release(alice);
        assertThat(streams.acquire(alice)).isTrue();
        streams.release(alice);
        streams.release(alice);
        assertThat(streams.count(alice)).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(streams.acquire(Identity.ANONYMOUS))
                    .as("anonymous streams are bounded elsewhere")
                    .isTrue();
        }
    }
}
