package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What {@link Json#write} gives is text that survives UTF-8, whatever strings the tree holds. */
class JsonWriteTest {
    @Test
    void unpairedSurrogatesAreWrittenAsEscapesAndPairsAsTheyAre() throws Exception {
        String high = String.valueOf((char) 0xD800);
        String low = String.valueOf((char) 0xDC00);
        String pair = new String(Character.toChars(0x1F600));
        JsonNode tree = Json.MAPPER.readTree(
                "[\"" + pair + "\",\"\\ud800\",\"\\udc00x\",\"\\udbff\\udfff\",{\"\\ud800k\":\"a\\udfffb\\ud800\"}]");

        String written = Json.write(tree);

        assertThat(written)
                .isEqualTo("[\"" + pair + "\",\"\\ud800\",\"\\udc00x\",\"" + new String(Character.toChars(0x10FFFF))
                        + "\",{\"\\ud800k\":\"a\\udfffb\\ud800\"}]");
        assertThat(new String(written.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .as("nothing lost on the way through UTF-8")
                .isEqualTo(written);
        assertThat(Json.MAPPER.readTree(written))
                .as("reads back as the same tree")
                .isEqualTo(tree);
        assertThat(Json.MAPPER.readTree(written).get(1).asText()).isEqualTo(high);
        assertThat(Json.MAPPER.readTree(written).get(2).asText()).isEqualTo(low + "x");
    }

    @Test
    void textWithoutSurrogatesIsReturnedAsItIs() {
        String text = "{\"a\":\"caf\u00e9\"}";
        assertThat(Json.escapeLoneSurrogates(text)).isSameAs(text);
    }
}
