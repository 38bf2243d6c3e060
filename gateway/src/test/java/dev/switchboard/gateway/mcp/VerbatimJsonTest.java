package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which of a function's texts may reach the client as they are: one UTF-8 object and nothing after it. */
class VerbatimJsonTest {
    private static final String RESPONSE = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {\"n\": 1.50}}";

    private static VerbatimJson read(String text, Charset charset) throws Exception {
        return VerbatimJson.read(text.getBytes(charset));
    }

    @Test
    void oneUtf8ObjectIsKeptAsItCame() throws Exception {
        byte[] text = RESPONSE.getBytes(StandardCharsets.UTF_8);
        VerbatimJson read = VerbatimJson.read(text);
        assertThat(read.verbatim()).isSameAs(text);
        assertThat(read.json().path("result").path("n").decimalValue()).isEqualByComparingTo("1.5");
    }

    @Test
    void trailingWhitespaceIsStillTheObjectAlone() throws Exception {
        assertThat(read(RESPONSE + " \r\n", StandardCharsets.UTF_8).verbatim()).isNotNull();
    }

    @Test
    void aSecondValueAfterTheObjectIsParsedAwayNotPassedOn() throws Exception {
        VerbatimJson read = read(RESPONSE + " {\"extra\":1}", StandardCharsets.UTF_8);
        assertThat(read.verbatim()).isNull();
        assertThat(read.json().path("id").asInt()).isEqualTo(1);
        assertThat(read.json().has("extra")).isFalse();
    }

    @Test
    void otherEncodingsAByteOrderMarkOrLeadingSpaceAreWrittenAnew() throws Exception {
        assertThat(read(RESPONSE, StandardCharsets.UTF_16LE).verbatim()).isNull();
        assertThat(read(RESPONSE, StandardCharsets.UTF_16BE).verbatim()).isNull();
        assertThat(read("\uFEFF" + RESPONSE, StandardCharsets.UTF_8).verbatim()).isNull();
        assertThat(read(" " + RESPONSE, StandardCharsets.UTF_8).verbatim()).isNull();
        assertThat(read(RESPONSE, StandardCharsets.UTF_16LE).json().path("id").asInt())
                .as("still read")
                .isEqualTo(1);
    }

    @Test
    void noContentIsAMissingMessageAndInvalidJsonFails() throws Exception {
        assertThat(read("  ", StandardCharsets.UTF_8).json().isMissingNode()).isTrue();
        assertThatThrownBy(() -> read("{\"id\":", StandardCharsets.UTF_8))
                .isInstanceOf(com.fasterxml.jackson.core.JacksonException.class);
    }
}
