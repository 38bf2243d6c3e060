package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InvokeRequestTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode payload(InvokeRequest r) {
        try {
            return Json.MAPPER.readTree(r.payload());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@code /invoke} reads a body: the payload kept as its bytes, the other fields as trees. */
    private static InvokeRequest parse(String body) {
        Json.ObjectWithVerbatim split = Json.readObject(
                java.util.Optional.empty(),
                () -> body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                64,
                "payload");
        return InvokeRequest.parse(split.fields(), split.verbatim());
    }

    private static void assertInvalid(String body, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(body));
        assertThat(e).as(body).isNotNull();
        assertThat(e.status().code()).as(body).isEqualTo(400);
        assertThat(e.code()).as(body).isEqualTo("INVALID_REQUEST");
        assertThat(e.details()).as(body).containsExactly(java.util.Map.entry("field", field));
        assertThat(e.getMessage()).as(body).startsWith(field + ": ");
    }

    @Test
    void syncRequest() {
        InvokeRequest r = parse("{\"payload\": {\"a\": [1, 2]}}");
        assertThat(payload(r)).isEqualTo(json("{\"a\": [1, 2]}"));
        assertThat(r.clientId()).isEmpty();
        assertThat(r.async()).isFalse();
        assertThat(r.timeout()).isEmpty();
    }

    @Test
    void syncRequestWithClientIdAndExplicitFalse() {
        InvokeRequest r = parse("{\"payload\": \"x\", \"client_id\": \"c1\", \"async\": false}");
        assertThat(payload(r).asText()).isEqualTo("x");
        assertThat(r.clientId()).contains("c1");
        assertThat(r.async()).isFalse();
    }

    @Test
    void asyncRequest() {
        InvokeRequest r = parse(
                "{\"payload\": [1], \"client_id\": \"user.42:tab-1@app_x\", \"async\": true, \"timeout\": \"5s\"}");
        assertThat(r.async()).isTrue();
        assertThat(r.clientId()).contains("user.42:tab-1@app_x");
        assertThat(r.timeout()).contains(Duration.ofSeconds(5));
        assertThat(payload(r).isArray()).isTrue();
    }

    @Test
    void nullPayloadIsAllowedAndNullOptionalsMeanAbsent() {
        InvokeRequest r = parse("{\"payload\": null, \"client_id\": null, \"async\": null, \"timeout\": null}");
        assertThat(payload(r).isNull()).isTrue();
        assertThat(r.clientId()).isEmpty();
        assertThat(r.async()).isFalse();
        assertThat(r.timeout()).isEmpty();
    }

    @Test
    void payloadRequired() {
        assertInvalid("{}", "payload");
        assertInvalid("{\"client_id\": \"c\"}", "payload");
    }

    @Test
    void asyncNeedsClientId() {
        assertInvalid("{\"payload\": 1, \"async\": true}", "client_id");
        assertInvalid("{\"payload\": 1, \"async\": true, \"client_id\": null}", "client_id");
    }

    @Test
    void clientIdValidated() {
        assertInvalid("{\"payload\": 1, \"client_id\": \"has space\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": \"" + "a".repeat(129) + "\"}", "client_id");
        // reserved for the MCP streams' logs: a generic client may neither read nor write them
        assertInvalid("{\"payload\": 1, \"client_id\": \"mcp:session:g\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": \"\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": \"a/b\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": \"line\\nbreak\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": \"caf\u00e9\"}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": 42}", "client_id");
        assertInvalid("{\"payload\": 1, \"client_id\": [\"c\"]}", "client_id");
        String max = "a".repeat(128);
        assertThat(parse("{\"payload\": 1, \"client_id\": \"" + max + "\"}").clientId())
                .contains(max);
    }

    @Test
    void asyncMustBeBoolean() {
        assertInvalid("{\"payload\": 1, \"client_id\": \"c\", \"async\": \"true\"}", "async");
        assertInvalid("{\"payload\": 1, \"client_id\": \"c\", \"async\": 1}", "async");
    }

    @Test
    void timeoutForms() {
        assertThat(timeout("\"5s\"")).isEqualTo(Duration.ofSeconds(5));
        assertThat(timeout("\"250ms\"")).isEqualTo(Duration.ofMillis(250));
        assertThat(timeout("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(timeout("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(timeout("\"15m\"")).isEqualTo(Duration.ofMinutes(15));
        assertThat(timeout("900")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void timeoutOutOfRangeOrMalformed() {
        assertInvalid("{\"payload\": 1, \"timeout\": \"0s\"}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": \"16m\"}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": 0}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": -1}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": 901}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": \"soon\"}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": \"\"}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": true}", "timeout");
        assertInvalid("{\"payload\": 1, \"timeout\": {\"s\": 1}}", "timeout");
    }

    @Test
    void unknownFieldRejected() {
        assertInvalid("{\"payload\": 1, \"clientId\": \"c\"}", "clientId");
        assertInvalid("{\"payload\": 1, \"extra\": null}", "extra");
        // unknown fields are reported even before a missing payload
        assertInvalid("{\"bogus\": 1}", "bogus");
    }

    private static Duration timeout(String jsonValue) {
        return parse("{\"payload\": 1, \"timeout\": " + jsonValue + "}")
                .timeout()
                .orElseThrow();
    }
}
