package dev.switchboard.registry.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever text a setting of the catalogue is given, it is a value within the setting's bounds or one
 * {@link SettingException} that starts with the key: never another exception, which the gateway would show as a
 * stack trace. A value within bounds survives being written by the operator and read back by the gateway.
 */
class SettingProperties {

    @Provide
    Arbitrary<Setting<?>> settings() {
        return Arbitraries.of(GatewaySettings.ALL);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars("0123456789.-+ ,kKmMgGiIbBsShHdD:/")
                        .ofMaxLength(20),
                Arbitraries.longs().map(String::valueOf),
                // URL-shaped text reaches the Redis and OAuth URL parsers beyond their scheme checks
                net.jqwik.api.Combinators.combine(
                                Arbitraries.of(
                                        "redis://",
                                        "rediss://",
                                        "redis-sentinel://",
                                        "redis-cluster://",
                                        "redis-socket://",
                                        "https://",
                                        "http://"),
                                Arbitraries.strings()
                                        .withChars("ab:@/?#%[]0123456789.,")
                                        .ofMaxLength(20))
                        .as((scheme, rest) -> scheme + rest));
    }

    @Property(tries = 3000)
    void anyTextIsAValueOrOneErrorNamingTheKey(@ForAll("settings") Setting<?> setting, @ForAll("texts") String text) {
        try {
            Optional<?> value = setting.read(key -> Optional.of(text));
            value.ifPresent(v -> inBounds(setting, v));
        } catch (SettingException e) {
            assertThat(e.getMessage()).startsWith(setting.key() + ": ").doesNotContain("\n");
            assertThat(e.key()).isEqualTo(setting.key());
            // a secret's error never echoes the value; text the message says for any value (the allowed URL
            // schemes, say: "redis://" is both a value tried here and a word of the message) proves nothing
            if (setting.isSecret()
                    && text.strip().length() > 3
                    && !fixedWording(setting).contains(text.strip())) {
                assertThat(e.getMessage()).doesNotContain(text.strip());
            }
        }
    }

    /** What the setting's error says for a value that shares nothing with any tried text. */
    private static String fixedWording(Setting<?> setting) {
        try {
            setting.read(key -> Optional.of("\u2603"));
            return "";
        } catch (SettingException e) {
            return e.getMessage();
        }
    }

    @Property(tries = 1000)
    void integersWithinBoundsRoundTripAndOthersNameTheirBounds(@ForAll int value) {
        Setting<Integer> setting = GatewaySettings.MAX_JSON_DEPTH;
        int min = setting.min().orElseThrow();
        int max = setting.max().orElseThrow();
        if (value >= min && value <= max) {
            assertThat(setting.parse(setting.format(value))).isEqualTo(value);
        } else {
            assertThatThrownBy(() -> setting.parse(Integer.toString(value)))
                    .hasMessage("MAX_JSON_DEPTH: must be between " + min + " and " + max + ", not " + value);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void inBounds(Setting<T> setting, Object value) {
        T v = (T) value;
        if (setting.min().isPresent() && v instanceof Comparable<?>) {
            Comparable<T> c = (Comparable<T>) v;
            assertThat(c.compareTo(setting.min().get())).as(setting.key()).isGreaterThanOrEqualTo(0);
            assertThat(c.compareTo(setting.max().get())).as(setting.key()).isLessThanOrEqualTo(0);
        }
        // what the operator would write is read back as the same value
        assertThat(setting.parse(setting.format(v))).as(setting.key()).isEqualTo(v);
    }
}
