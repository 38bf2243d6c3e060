package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PassThroughJsonTest {
    private static boolean fits(String json) {
        return PassThroughJson.fits(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wellFormedAnswersFitWhateverTheirSpacingAndNumbers() {
        assertThat(fits("{\"a\":1}")).isTrue();
        assertThat(fits(" [1.50, 1e2, -0.0, {\"switchboard\":1}]\n")).isTrue();
        assertThat(fits("{\"nested\":{\"switchboard\":{\"publish\":[]}}}")).isTrue();
        assertThat(fits("\"caf\\u00e9\"")).isTrue();
        assertThat(fits("12")).isTrue();
        assertThat(fits("null")).isTrue();
    }

    @Test
    void answersTheTreeWouldChangeOrRefuseDoNotFit() {
        assertThat(fits("{\"switchboard\":{\"publish\":[]},\"a\":1}"))
                .as("the gateway acts on it")
                .isFalse();
        assertThat(fits("{\"a\":1,\"a\":2}"))
                .as("a repeated key: the tree keeps the last")
                .isFalse();
        assertThat(fits("{\"a\":1} {\"b\":2}")).as("a second value").isFalse();
        assertThat(fits("{\"a\":1")).as("unfinished").isFalse();
        assertThat(fits("{not json")).isFalse();
        assertThat(fits("")).isFalse();
        assertThat(fits("\uFEFF{\"a\":1}")).as("a byte-order mark").isFalse();
        assertThat(PassThroughJson.fits("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE)))
                .as("UTF-16")
                .isFalse();
        assertThat(PassThroughJson.fits(new byte[] {'"', (byte) 0xC3, '"'}))
                .as("broken UTF-8")
                .isFalse();
        assertThat(PassThroughJson.fits(new byte[] {'[', '"', (byte) 0xC3, '"', ']'}))
                .as("broken UTF-8 inside")
                .isFalse();
        assertThat(fits("[".repeat(300) + "]".repeat(300)))
                .as("deeper than the mapper allows")
                .isFalse();
    }

    @Test
    void aPassedThroughResultIsTheSameJsonWithTheFunctionsBytesInside() throws Exception {
        String raw = "{ \"z\" : 1e2, \"n\" : [1.50] }";
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        InvocationResult passed = new InvocationResult(true, "r-1", "fn", 7, null, null, null, 200, bytes);
        String written = new String(passed.toJsonBytes(), StandardCharsets.UTF_8);
        assertThat(written).contains("\"data\":" + raw + ",\"timestamp\":");
        JsonNode viaBytes = Json.MAPPER.readTree(written);
        JsonNode viaTree = passed.toJson();
        assertThat(viaBytes.get("data")).isEqualTo(Json.MAPPER.readTree(bytes));
        JsonNode bytesWithout = ((ObjectNode) viaBytes).without("timestamp");
        JsonNode treeWithout = ((ObjectNode) viaTree).without("timestamp");
        // compared as text: a number read back is an int where the tree held a long
        assertThat(Json.write(bytesWithout)).isEqualTo(Json.write(treeWithout));
    }
}
