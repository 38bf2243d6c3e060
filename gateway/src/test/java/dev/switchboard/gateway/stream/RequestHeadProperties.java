package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The stream listener's hand-written request parser: any bytes give a head, "need more", or a
 * {@link RequestHead.MalformedException} (a 400), nothing else; and a well-formed head reads back as sent.
 */
class RequestHeadProperties {
    @Property(tries = 1000)
    void anyBytesParseOrAreRefusedCleanly(@ForAll @Size(max = 600) byte[] bytes) {
        try {
            RequestHead.parse(ByteBuffer.wrap(bytes));
        } catch (RequestHead.MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> headLike() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of(
                        "GET ",
                        "POST ",
                        "/sse/",
                        "/",
                        "?",
                        "&",
                        "=",
                        "%",
                        "%zz",
                        "%41",
                        " HTTP/1.1",
                        " HTTP/2",
                        "\r\n",
                        "\n",
                        ":",
                        " ",
                        "\t",
                        "Host: x",
                        "X-A:",
                        "\u0000",
                        "\u00ff",
                        "é"),
                Arbitraries.strings().ofMaxLength(12));
        return piece.list().ofMaxSize(30).map(parts -> String.join("", parts) + "\r\n\r\n");
    }

    @Property(tries = 2000)
    void anyHeadShapedTextParsesOrIsRefusedCleanly(@ForAll("headLike") String text) {
        try {
            RequestHead head = RequestHead.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            if (text.replace("\r\n", "").isEmpty()) {
                assertThat(head)
                        .as("empty lines only: skipped, a request still to come")
                        .isNull();
                return;
            }
            assertThat(head).as("a whole head is never 'need more'").isNotNull();
            assertThat(head.path()).startsWith("/");
        } catch (RequestHead.MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> token() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .withChars('-', '.', '_')
                .ofMinLength(1)
                .ofMaxLength(20);
    }

    @Property(tries = 300)
    void aWellFormedHeadReadsBack(
            @ForAll("token") String client,
            @ForAll("token") String key,
            @ForAll("token") String value,
            @ForAll("token") String header) {
        String head = "GET /sse/" + client + "?" + key + "=" + value + " HTTP/1.1\r\nX-" + header + ": " + value
                + "\r\nHost: h\r\n\r\n";
        RequestHead parsed = RequestHead.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(parsed).isNotNull();
        assertThat(parsed.method()).isEqualTo("GET");
        assertThat(parsed.path()).isEqualTo("/sse/" + client);
        assertThat(parsed.query()).containsEntry(key, java.util.List.of(value));
        assertThat(parsed.headers().first(io.helidon.http.HeaderNames.create("x-" + header)))
                .contains(value);
        assertThat(RequestHead.parse(
                        ByteBuffer.wrap(head.substring(0, head.length() - 1).getBytes(StandardCharsets.ISO_8859_1))))
                .as("one byte short: not yet whole")
                .isNull();
    }
}
