package dev.switchboard.gateway.invoke.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.http.AsciiBytes;
import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointTest {
    private static String host(String uri) {
        return new String(
                Endpoint.of(URI.create(uri))
                        .appendHostHeader(new AsciiBytes(16))
                        .toArray(null),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void theHostHeaderNamesThePortOnlyWhenItIsNotTheSchemesDefault() {
        assertThat(host("http://fn.example/x")).isEqualTo("fn.example");
        assertThat(host("http://fn.example:80/x")).isEqualTo("fn.example");
        assertThat(host("https://fn.example/x")).isEqualTo("fn.example");
        assertThat(host("http://fn.example:443/x")).isEqualTo("fn.example:443");
        assertThat(host("https://fn.example:8443/x")).isEqualTo("fn.example:8443");
        assertThat(host("http://[::1]:8081/x")).isEqualTo("[::1]:8081");
    }

    @Test
    void anIpv6LiteralLosesItsBracketsForTheResolverAndKeepsThemInTheHeader() {
        Endpoint endpoint = Endpoint.of(URI.create("http://[::1]/x"));
        assertThat(endpoint.bareHost()).isEqualTo("::1");
        assertThat(endpoint.port()).isEqualTo(80);
        assertThat(host("http://[::1]/x")).isEqualTo("[::1]");
    }

    @Test
    void onlyHttpAndHttpsWithAHostAreEndpoints() {
        assertThatThrownBy(() -> Endpoint.of(URI.create("ftp://fn.example/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.of(URI.create("http:///x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
