package dev.switchboard.registry.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingTest {

    private static <T> Optional<T> read(Setting<T> setting, String value) {
        return setting.read(
                key -> Optional.ofNullable(Map.of(setting.key(), value).get(key)));
    }

    @Test
    void unsetAndBlankMeanTheDefault() {
        assertThat(GatewaySettings.PORT.read(key -> Optional.empty())).contains(8080);
        assertThat(read(GatewaySettings.PORT, "  ")).contains(8080);
        assertThat(GatewaySettings.STREAM_PORT.read(key -> Optional.empty())).isEmpty();
        assertThat(read(GatewaySettings.MAX_BODY_SIZE, "2MiB")).contains(2L << 20);
        assertThat(read(GatewaySettings.HEARTBEAT_INTERVAL, "PT30S")).contains(Duration.ofSeconds(30));
        assertThat(read(GatewaySettings.SSE_CORS_ORIGINS, " a , ,b")).contains(List.of("a", "b"));
    }

    @Test
    void errorsNameTheKeyTheValueAndTheBounds() {
        assertThatThrownBy(() -> GatewaySettings.PORT.parse("70000"))
                .isInstanceOf(SettingException.class)
                .hasMessage("PORT: must be between 0 and 65535, not 70000");
        assertThatThrownBy(() -> GatewaySettings.PORT.parse("abc")).hasMessage("PORT: not an integer: 'abc'");
        assertThatThrownBy(() -> GatewaySettings.HEARTBEAT_INTERVAL.parse("2h"))
                .hasMessage("HEARTBEAT_INTERVAL: must be between 100ms and 1h, not 2h");
        assertThatThrownBy(() -> GatewaySettings.MAX_BODY_SIZE.parse("lots"))
                .hasMessageStartingWith("MAX_BODY_SIZE: not a size: 'lots'");
        assertThatThrownBy(() -> GatewaySettings.RATE_LIMIT_PER_IP.parse("NaN"))
                .hasMessage("RATE_LIMIT_PER_IP: not a number: 'NaN'");
        assertThatThrownBy(() -> GatewaySettings.LOG_FORMAT.parse("xml"))
                .hasMessage("LOG_FORMAT: must be text or json, not 'xml'");
        assertThatThrownBy(() -> GatewaySettings.TRUSTED_PROXIES.parse("10.0.0.0/8,nope"))
                .hasMessageStartingWith("TRUSTED_PROXIES: 'nope' is not a CIDR block");
        assertThat(((SettingException) catchIt(() -> GatewaySettings.MAX_JSON_DEPTH.parse("1"))).key())
                .isEqualTo("MAX_JSON_DEPTH");
    }

    @Test
    void aQuotedValueCannotBreakTheLineOrFloodIt() {
        assertThatThrownBy(() -> GatewaySettings.PORT.parse("1\nSEVERE forged"))
                .hasMessage("PORT: not an integer: '1\\u000aSEVERE forged'");
        assertThat(catchIt(() -> GatewaySettings.PORT.parse("x".repeat(100_000)))
                        .getMessage())
                .hasSizeLessThan(320);
    }

    @Test
    void secretValuesAreNeverQuoted() {
        assertThatThrownBy(() -> GatewaySettings.ADMIN_TOKEN.parse("a-token-of-enough-length,short-secret"))
                .hasMessageStartingWith("ADMIN_TOKEN: every token needs at least 16 characters")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> GatewaySettings.REDIS_URL.parse("http://user:hunter2@host"))
                .hasMessageStartingWith("REDIS_URL:")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void boundsDependingOnAnotherSettingAreNarrowedWhereRead() {
        Setting<Long> narrowed =
                GatewaySettings.MAX_RESPONSE_SIZE.withBounds(1L, 4096L).withDefault(4096L);
        assertThat(narrowed.read(key -> Optional.empty())).contains(4096L);
        assertThatThrownBy(() -> narrowed.parse("1MiB"))
                .hasMessage("MAX_RESPONSE_SIZE: must be between 1 and 4096 bytes, not 1MiB");
        // the catalogue's own constant is unchanged
        assertThat(GatewaySettings.MAX_RESPONSE_SIZE.max()).contains((long) Integer.MAX_VALUE);
    }

    @Test
    void aChoiceListAcceptsOnlyItsWords() {
        assertThat(GatewaySettings.CLIENT_AUTH.parse("API-KEY, jwt")).containsExactly("api-key", "jwt");
        assertThatThrownBy(() -> GatewaySettings.CLIENT_AUTH.parse("basic"))
                .hasMessage("CLIENT_AUTH: must be none or api-key or jwt, not 'basic'");
    }

    @Test
    void theTableShowsDefaultsBoundsAndEscapesPipes() {
        String table = SettingsTable.markdown(
                List.of(GatewaySettings.PORT, GatewaySettings.API_KEYS, GatewaySettings.LOG_FORMAT));
        assertThat(table).contains("| `PORT` | `8080` | integer, 0 to 65535 | public listener");
        assertThat(table).contains("| `API_KEYS` | unset | list |");
        assertThat(table).contains("\\| sha256sum");
        assertThat(table).contains("| `LOG_FORMAT` | `text` | one of `text`, `json` |");
    }

    private static Throwable catchIt(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
