package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestStateSignerTest {

    private final RequestStateSigner signer = new RequestStateSigner("k1".getBytes(StandardCharsets.UTF_8));
    private final ObjectNode payload = Json.object().put("n", "tool").put("round", 2);

    @Test
    void verifiesWhatItSigned() {
        String token = signer.sign(payload);
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(signer.verify(token)).isEqualTo(payload);
    }

    @Test
    void rejectsAnyChange() {
        String token = signer.sign(payload);
        String otherPayload =
                signer.sign(Json.object().put("n", "tool").put("round", 3)).split("\\.")[0];
        for (String bad : new String[] {
            token + "-TAMPERED",
            token + "x",
            "x" + token,
            otherPayload + token.substring(token.indexOf('.')),
            token.replace('.', '!'),
            token.substring(0, token.indexOf('.')),
            "",
            ".",
            "a.b.c",
            token + "." + "x"
        }) {
            assertThatThrownBy(() -> signer.verify(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            McpException.class, e -> assertThat(e.code()).isEqualTo(-32602));
        }
    }

    @Test
    void rejectsStateSignedWithAnotherKey() {
        String token = new RequestStateSigner("k2".getBytes(StandardCharsets.UTF_8)).sign(payload);
        assertThatThrownBy(() -> signer.verify(token)).isInstanceOf(McpException.class);
        assertThatThrownBy(() -> RequestStateSigner.withRandomKey().verify(signer.sign(payload)))
                .isInstanceOf(McpException.class);
    }
}
