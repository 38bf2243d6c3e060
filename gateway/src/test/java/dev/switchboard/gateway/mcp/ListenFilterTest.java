package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.state.ClientEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A listen stream's filter and its per-stream encoding, without sockets: what is honoured and acknowledged, what a
 * stream writes for each pushed notification (the socket-level behaviour is {@code McpListenTest}'s).
 */
class ListenFilterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static ListenFilter filter(String notifications) {
        return ListenFilter.parse(json("{\"notifications\":" + notifications + "}"), 3);
    }

    @Test
    void theAcknowledgementNamesWhatIsHonouredInTheRequestsOrderAndDropsUnknownAndFalseFields() {
        ListenFilter f = filter("{\"resourcesListChanged\":true,\"toolsListChanged\":false,\"tasks\":true,"
                + "\"resourceSubscriptions\":[\"b://2\",\"a://1\",\"b://2\"]}");
        JsonNode ack = ListenStreams.acknowledgement(json("\"s\""), f);
        assertThat(ack)
                .isEqualTo(
                        json(
                                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/subscriptions/acknowledged\","
                                        + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":\"s\"},"
                                        + "\"notifications\":{\"resourcesListChanged\":true,\"resourceSubscriptions\":[\"b://2\",\"a://1\"]}}}"));
        assertThat(ListenStreams.complete(json("4")))
                .isEqualTo(json("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"resultType\":\"complete\","
                        + "\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":4}}}"));
    }

    @Test
    void malformedFiltersAreInvalidParams() {
        for (String bad : new String[] {
            "null",
            "[]",
            "{\"toolsListChanged\":1}",
            "{\"resourceSubscriptions\":{}}",
            "{\"resourceSubscriptions\":[1]}",
            "{\"resourceSubscriptions\":[\"a\",\"b\",\"c\",\"d\"]}",
            "{\"resourceSubscriptions\":[\"" + "x".repeat(2049) + "\"]}"
        }) {
            assertThatThrownBy(() -> filter(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            McpException.class, e -> assertThat(e.code()).isEqualTo(JsonRpc.INVALID_PARAMS));
        }
        assertThatThrownBy(() -> ListenFilter.parse(null, 3)).isInstanceOf(McpException.class);
    }

    @Test
    void aStreamWritesOnlyWhatItAskedForStampedWithItsIdAndWithoutAnEventId() {
        Function<ClientEvent, byte[]> encoder = ListenStreams.encoder(
                json("7"), filter("{\"promptsListChanged\":true,\"resourceSubscriptions\":[\"test://a\"]}"));
        assertThat(encoder.apply(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}")))
                .isNull();
        assertThat(encoder.apply(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/updated\","
                        + "\"params\":{\"uri\":\"test://b\"}}")))
                .isNull();
        assertThat(encoder.apply(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                        + "\"params\":{\"level\":\"error\",\"data\":1}}")))
                .isNull();
        assertThat(encoder.apply(event("not json"))).isNull();
        String prompts = new String(
                encoder.apply(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/prompts/list_changed\"}")),
                StandardCharsets.UTF_8);
        assertThat(prompts).doesNotContain("id:").startsWith("data: ");
        assertThat(json(prompts.substring("data: ".length()).strip()))
                .isEqualTo(json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/prompts/list_changed\","
                        + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":7}}}"));
        String updated = new String(
                encoder.apply(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/updated\","
                        + "\"params\":{\"uri\":\"test://a\",\"_meta\":{\"k\":\"v\"}}}")),
                StandardCharsets.UTF_8);
        assertThat(json(updated.substring("data: ".length()).strip()).path("params"))
                .isEqualTo(json("{\"uri\":\"test://a\",\"_meta\":{\"k\":\"v\","
                        + "\"io.modelcontextprotocol/subscriptionId\":7}}"));
    }

    private static ClientEvent event(String data) {
        return new ClientEvent("1-0", "message", data);
    }
}
