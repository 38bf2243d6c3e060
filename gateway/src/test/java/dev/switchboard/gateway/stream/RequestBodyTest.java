package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.http.ApiException;
import io.helidon.http.Status;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stream listener's body framing, read once from the head: what it accepts, refuses and counts as a body. */
class RequestBodyTest {
    private static RequestBody.Framing framing(String headers) {
        String head = "POST /invoke/f HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n";
        return RequestBody.Framing.of(RequestHead.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)))
                .headers());
    }

    private static void refused(RequestBody.Framing framing, long maxSize, Status status, String message) {
        assertThatThrownBy(() -> framing.check(maxSize))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContaining(message);
    }

    private static byte[] read(RequestBody.Framing framing, String bytes) {
        framing.check(100);
        return RequestBody.read(framing, new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)), 100);
    }

    @Test
    void aRequestWithoutFramingHasNoBody() {
        RequestBody.Framing none = framing("");
        assertThat(none.hasBody()).isFalse();
        assertThat(read(none, "GET / HTTP/1.1\r\n"))
                .as("what follows is the next request")
                .isEmpty();
    }

    @Test
    void aLengthFramesExactlyThatManyBytes() {
        RequestBody.Framing two = framing("Content-Length: 2\r\n");
        assertThat(two.hasBody()).isTrue();
        assertThat(new String(read(two, "{}GET"), StandardCharsets.ISO_8859_1)).isEqualTo("{}");
        assertThat(framing("Content-Length: 0\r\n").hasBody()).isFalse();
        assertThatThrownBy(() -> read(two, "{"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("ended before its Content-Length");
    }

    @Test
    void chunksAreReadToTheLastOne() {
        RequestBody.Framing chunked = framing("Transfer-Encoding: Chunked \r\n");
        assertThat(chunked.hasBody()).isTrue();
        assertThat(new String(
                        read(chunked, "1;ext=x\r\n{\r\n1\r\n}\r\n0\r\nTrailer: t\r\n\r\n"), StandardCharsets.UTF_8))
                .isEqualTo("{}");
    }

    @Test
    void aLengthOverTheLimitIsRefusedBeforeAnythingIsRead() {
        refused(
                framing("Content-Length: 101\r\n"),
                100,
                Status.REQUEST_ENTITY_TOO_LARGE_413,
                "exceeds the limit of 100 bytes");
        framing("Content-Length: 100\r\n").check(100);
    }

    @Test
    void framingThatCannotBeReadIsRefusedAndCountsAsABody() {
        for (String headers : new String[] {
            "Content-Length: x\r\n",
            "Content-Length: -1\r\n",
            "Transfer-Encoding: gzip\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n",
            "Content-Length: 15\r\nContent-Length: 0\r\n",
            "Content-Length: 0\r\nContent-Length: 15\r\n",
            "Content-Length: 2, 3\r\n",
            "Content-Length: +15\r\n",
            "Content-Length: \r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
            "Transfer-Encoding: chunked, chunked\r\n",
            "Transfer-Encoding: gzip, chunked\r\n"
        }) {
            RequestBody.Framing framing = framing(headers);
            assertThat(framing.hasBody())
                    .as("%s: the connection is not at a request's start after it", headers)
                    .isTrue();
            refused(framing, 100, Status.BAD_REQUEST_400, headers.startsWith("Content") ? "Content-Length" : "chunked");
        }
    }

    @Test
    void theSameLengthOnSeveralLinesIsOneLength() {
        assertThat(framing("Content-Length: 2\r\nContent-Length: 2\r\n").length())
                .isEqualTo(2);
        assertThat(framing("Content-Length: 2, 2\r\n").length()).isEqualTo(2);
    }

    @Test
    void aBodyInAContentEncodingIsRefusedAsItCannotBeRead() {
        for (String encoding : new String[] {"gzip", "x-bogus", "identity, br"}) {
            RequestBody.Framing framing = framing("Content-Encoding: " + encoding + "\r\nContent-Length: 2\r\n");
            refused(framing, 100, Status.BAD_REQUEST_400, "Content-Encoding");
        }
        assertThat(read(framing("Content-Encoding: identity\r\nContent-Length: 2\r\n"), "{}"))
                .hasSize(2);
    }

    @Test
    void aChunkSizeIsHexDigitsOnlyAndEveryLineEndsInCrLf() {
        RequestBody.Framing chunked = framing("Transfer-Encoding: chunked\r\n");
        assertThat(new String(read(chunked, "1 ;a=b\r\n{\r\n1\r\n}\r\n0\r\n\r\n"), StandardCharsets.UTF_8))
                .as("blanks before an extension")
                .isEqualTo("{}");
        for (String body : new String[] {
            "+1\r\n{\r\n0\r\n\r\n",
            "-0\r\n\r\n",
            " 1\r\n{\r\n0\r\n\r\n",
            "1 1\r\n{\r\n0\r\n\r\n",
            "0x1\r\n{\r\n0\r\n\r\n",
            "1000000000000000\r\n",
            "1;a\nb\r\n{\r\n0\r\n\r\n",
            "1\r\n{\r\n0\r\nX-T: 1\n\r\nPOST /invoke/f HTTP/1.1\r\n\r\n",
            "1\r\n{\r\n0\r\ngarbage\r\n\r\n",
            "1 \r\n{\r\n0\r\n\r\n",
            "1\t\r\n{\r\n0\r\n\r\n",
            "1\r\n{\r\n0 \r\n\r\n"
        }) {
            assertThatThrownBy(() -> read(chunked, body))
                    .as(body)
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST_400));
        }
    }
}
