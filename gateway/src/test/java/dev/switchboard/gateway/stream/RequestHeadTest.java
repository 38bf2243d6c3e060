package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request-line and header rules of the stream listener's parser, one case each ({@link RequestHeadProperties}). */
class RequestHeadTest {
    private static RequestHead parse(String head) {
        return RequestHead.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static void refused(String head, String because) {
        assertThatThrownBy(() -> parse(head))
                .as(because)
                .isInstanceOf(RequestHead.MalformedException.class)
                .extracting(e -> ((RequestHead.MalformedException) e).status())
                .isEqualTo(Status.BAD_REQUEST_400);
    }

    @Test
    void aHeadReadsBackWithItsBodyLeftInTheBuffer() {
        ByteBuffer buffer = ByteBuffer.wrap(
                "POST /mcp/a%2Fb+c?topic=x+y&topic=%C3%A9&flag&=v HTTP/1.1\r\nHost: h\r\nX-Two: a \r\nX-Two: b\r\n\r\n{}"
                        .getBytes(StandardCharsets.ISO_8859_1));
        RequestHead head = RequestHead.parse(buffer);

        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.path()).as("decoded, a path's '+' kept").isEqualTo("/mcp/a/b+c");
        assertThat(head.query().get("topic")).as("a query's '+' is a space").isEqualTo(List.of("x y", "é"));
        assertThat(head.query().get("flag")).isEqualTo(List.of(""));
        assertThat(head.query().get("")).isEqualTo(List.of("v"));
        assertThat(head.headers().all(HeaderNames.create("X-Two"), List::of)).containsExactly("a", "b");
        assertThat(buffer.remaining()).as("the body's bytes stay").isEqualTo(2);
    }

    @Test
    void manyHeaderNamesReadBackInAnyCase() {
        int names = 300;
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < names; i++) {
            head.append("X-Name-").append(i).append(": v").append(i).append("\r\n");
        }
        RequestHead parsed = parse(head + "\r\n");
        assertThat(parsed.headers().size()).isEqualTo(names + 1);
        for (int i = 0; i < names; i++) {
            assertThat(parsed.headers().first(HeaderNames.create("x-name-" + i)))
                    .as("in any case")
                    .contains("v" + i);
        }
    }

    @Test
    void aHeadWithoutHeadersOrQueryReadsBack() {
        RequestHead head = parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(head.path()).isEqualTo("/");
        assertThat(head.query()).isEmpty();
        assertThat(head.headers().size()).isOne();
    }

    @Test
    void malformedRequestLinesAreRefused() {
        refused("GET  / HTTP/1.1\r\n\r\n", "two spaces");
        refused("GET / HTTP/1.1 \r\n\r\n", "a trailing space");
        refused(" / HTTP/1.1\r\n\r\n", "no method");
        refused("GET /\r\nHost: a b c\r\n\r\n", "two parts, spaces in a header after");
        refused("GET x HTTP/1.1\r\n\r\n", "a target that is not a path");
        refused("G(T / HTTP/1.1\r\n\r\n", "a method that is not a token");
        refused("GET / HTTP/2.0\r\n\r\n", "not HTTP/1");
        refused("GET / HTTP/1.2\r\n\r\n", "not HTTP/1.1");
        refused("\r\n\r\nGET\r\n\r\n", "a request line after empty ones is still checked");
        assertThatThrownBy(() -> parse("GET / HTTP/1.0\r\n\r\n"))
                .extracting(e -> ((RequestHead.MalformedException) e).status())
                .isEqualTo(Status.HTTP_VERSION_NOT_SUPPORTED_505);
    }

    @Test
    void malformedHeaderLinesAreRefused() {
        refused("GET / HTTP/1.1\r\nHost h\r\n\r\n", "no colon");
        refused("GET / HTTP/1.1\r\n: v\r\n\r\n", "no name");
        refused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", "a space before the colon");
        refused("GET / HTTP/1.1\r\n Host: h\r\n\r\n", "a folded line");
        refused("GET / HTTP/1.1\r\nHo\u00e9st: h\r\n\r\n", "a name outside US-ASCII");
        refused("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", "bad percent-encoding");
        assertThatThrownBy(() -> parse("GET / HTTP/1.1\nHost: h\r\n\r\n"))
                .as("a bare line feed")
                .isInstanceOf(RequestHead.MalformedException.class);
    }

    @Test
    void controlCharactersInAValueAreRefusedAndOnlyBlanksAroundItDropped() {
        refused("GET / HTTP/1.1\r\nHost: x\rX-Hidden: y\r\n\r\n", "a bare carriage return");
        refused("GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", "a NUL");
        refused("GET / HTTP/1.1\r\nContent-Length: \u000b15\r\n\r\n", "a vertical tab is no blank");
        refused("GET / HTTP/1.1\r\nX-A: a\u007f\r\n\r\n", "DEL");
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: \u00e9t\u00e9\r\n\r\n")
                        .headers()
                        .first(HeaderNames.create("X-A")))
                .as("bytes above US-ASCII are field text (obs-text)")
                .contains("\u00e9t\u00e9");
    }

    @Test
    void mcpHeaderNamesReadBackHoweverTheyAreWritten() {
        // names Helidon has no constant for, as MCP clients write them
        for (String name : List.of(
                "Mcp-Session-Id", "mcp-session-id", "MCP-SESSION-ID", "MCP-Protocol-Version", "mcp-protocol-version")) {
            RequestHead head = parse("POST /mcp/t HTTP/1.1\r\nHost: h\r\n" + name + ": v1\r\n\r\n");
            assertThat(head.headers().first(HeaderNames.create(name.toLowerCase(java.util.Locale.ROOT))))
                    .as(name)
                    .contains("v1");
            assertThat(head.headers().first(HeaderNames.create(name.toUpperCase(java.util.Locale.ROOT))))
                    .as(name)
                    .contains("v1");
        }
    }

    @Test
    void whitespaceAroundAValueIsDroppedAndInsideItKept() {
        RequestHead head = parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a b \t\r\nX-B:c\r\nX-C:   \r\n\r\n");

        assertThat(head.headers().first(HeaderNames.create("X-A"))).contains("a b");
        assertThat(head.headers().first(HeaderNames.create("X-B"))).contains("c");
        assertThat(head.headers().first(HeaderNames.create("X-C"))).contains("");
    }

    @Test
    void aColonInAValueIsPartOfIt() {
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nOrigin: http://a:1\r\n\r\n")
                        .headers()
                        .first(HeaderNames.ORIGIN))
                .contains("http://a:1");
    }

    @Test
    void oneHostIsRequiredAndMustBeAnAuthority() {
        refused("GET / HTTP/1.1\r\n\r\n", "no Host");
        refused("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", "two Host lines, even equal");
        refused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "a space in the host");
        refused("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", "user info");
        refused("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "a path");
        assertThat(parse("GET / HTTP/1.1\r\nHOST: [::1]:8080\r\n\r\n").headers().first(HeaderNames.HOST))
                .as("an IP literal and a port, the name in any case")
                .contains("[::1]:8080");
        assertThat(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").path())
                .as("empty, as RFC 9112 allows when the target has no authority")
                .isEqualTo("/");
    }

    @Test
    void anAbsoluteFormTargetIsServedByItsPathAndQuery() {
        RequestHead head = parse("GET HTTP://gw.example:8080/sse/c%201?topic=a HTTP/1.1\r\nHost: other\r\n\r\n");
        assertThat(head.path()).isEqualTo("/sse/c 1");
        assertThat(head.query().get("topic")).containsExactly("a");
        assertThat(parse("POST https://gw.example HTTP/1.1\r\nHost: h\r\n\r\n").path())
                .as("no path is the root")
                .isEqualTo("/");
        assertThat(parse("GET http://gw.example?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
                        .query()
                        .get("x"))
                .containsExactly("1");
        refused("GET ftp://gw.example/x HTTP/1.1\r\nHost: h\r\n\r\n", "a scheme other than http(s)");
        refused("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", "no authority");
        refused("GET http://u:p@gw.example/x HTTP/1.1\r\nHost: h\r\n\r\n", "user info");
        refused("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", "asterisk-form: no route serves the whole server");
    }

    @Test
    void emptyLinesBeforeARequestLineAreSkipped() {
        ByteBuffer buffer =
                ByteBuffer.wrap("\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RequestHead.parse(buffer).path()).isEqualTo("/x");
        assertThat(buffer.hasRemaining()).isFalse();

        ByteBuffer partial = ByteBuffer.wrap("\r\n\r\nGE".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RequestHead.parse(partial)).as("more bytes are needed").isNull();
        assertThat(partial.position()).as("the empty lines are consumed").isEqualTo(4);
    }
}
