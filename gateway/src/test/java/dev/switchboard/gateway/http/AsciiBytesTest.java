package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsciiBytesTest {
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesWhatIso88591Writes() {
        String line = "GET /caf\u00e9?q=\u010d\u010a\u4e2d HTTP/1.1";
        byte[] written = new AsciiBytes(4).append(line).crlf().toArray(null);
        assertThat(written).isEqualTo((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(text(written))
                .as("no character above U+00FF becomes a CR or an LF")
                .isEqualTo("GET /caf\u00e9?q=??? HTTP/1.1\r\n");
        assertThat(text(new AsciiBytes(1).append('\u010d').toArray(null))).isEqualTo("?");
    }

    @Test
    void numbersInDecimal() {
        for (long n : new long[] {0, 7, 9, 10, 99, 100, 1234567890123L, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            assertThat(text(new AsciiBytes(2).append(n).toArray(null))).isEqualTo(Long.toString(n));
        }
    }

    @Test
    void headerLinesThenTheBodyInOneArrayOfTheirLength() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] all = new AsciiBytes(8)
                .append("HTTP/1.1 200 OK")
                .crlf()
                .header("Content-Length", "7")
                .crlf()
                .toArray(body);
        assertThat(text(all)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
        byte[] exact = new AsciiBytes(5).append("ab").toArray("cde".getBytes(StandardCharsets.UTF_8));
        assertThat(text(exact)).isEqualTo("abcde");
        assertThat(text(new AsciiBytes(16)
                        .append("x")
                        .append(new byte[] {'y', 'z'})
                        .toArray(null)))
                .isEqualTo("xyz");
    }
}
