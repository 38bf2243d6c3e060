package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A passed-through answer's envelope: written directly when its fields allow, always what the generator writes. */
class InvocationResultTest {
    private static final byte[] DATA = "{ \"x\": [1, 2.50], \"s\": \"\\u00e9\" }".getBytes(StandardCharsets.UTF_8);

    private static InvocationResult passedThrough(String requestId, String function) {
        return new InvocationResult(true, requestId, function, 12, null, null, null, 200, DATA);
    }

    /** The two writers, called until both read the same second of the clock. */
    private static void assertSameBytes(InvocationResult result) {
        for (int attempt = 0; ; attempt++) {
            String direct = new String(result.toJsonBytes(), StandardCharsets.UTF_8);
            String generated = new String(result.generatedJsonBytes(), StandardCharsets.UTF_8);
            if (direct.equals(generated) || attempt == 3) {
                assertThat(direct).isEqualTo(generated);
                return;
            }
        }
    }

    @Test
    void thePlainEnvelopeIsByteForByteTheGenerators() throws Exception {
        InvocationResult result = passedThrough("0b9f5d2e-6c41-4a8e-9d1f-2b3c4d5e6f70", "echo-2");
        assertSameBytes(result);
        String json = new String(result.toJsonBytes(), StandardCharsets.UTF_8);
        assertThat(json)
                .startsWith("{\"success\":true,\"request_id\":\"0b9f5d2e-6c41-4a8e-9d1f-2b3c4d5e6f70\","
                        + "\"function_name\":\"echo-2\",\"duration_ms\":12,\"data\":{ \"x\": [1, 2.50], ")
                .contains(",\"timestamp\":");
        assertThat(Json.MAPPER.readTree(json).get("data")).isEqualTo(Json.MAPPER.readTree(DATA));
    }

    @Test
    void fieldsThatNeedEscapingGoThroughTheGenerator() throws Exception {
        InvocationResult result = passedThrough("id \"quoted\" \\ \u00e9\n", "f");
        assertSameBytes(result);
        assertThat(Json.MAPPER.readTree(result.toJsonBytes()).get("request_id").asText())
                .isEqualTo("id \"quoted\" \\ \u00e9\n");
    }
}
