package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The duration scanner accepts exactly the language the former regular expressions described (kept here
 * as the reference, safe on short text), and any text at all, of any length, is either a duration or an
 * {@link IllegalArgumentException}: never a stack overflow, which the API would answer with a 500.
 */
class DurationsProperties {
    /** The former grammar; its backtracking overflowed the stack on a few thousand parts. */
    private static final Pattern REFERENCE = Pattern.compile("\\d+|(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

    @Provide
    Arbitrary<String> durationLike() {
        Arbitrary<String> part = Combinators.combine(
                        Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(4),
                        Arbitraries.of("", ".", ".5", ".25"),
                        Arbitraries.of("", "ms", "s", "m", "h", "d", "x", "S", "M"))
                .as((a, b, c) -> a + b + c);
        return part.list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join("", parts));
    }

    @Property(tries = 2000)
    void acceptsExactlyTheFormerGrammar(@ForAll("durationLike") String text) {
        boolean reference = REFERENCE
                        .matcher(text.trim().toLowerCase(java.util.Locale.ROOT))
                        .matches()
                && !text.isBlank();
        if (reference) {
            assertThat(Durations.parse(text)).isNotNull();
        } else {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 500)
    void addsUpItsParts(
            @ForAll @IntRange(max = 999) int hours,
            @ForAll @IntRange(max = 999) int minutes,
            @ForAll @IntRange(max = 999) int seconds,
            @ForAll @IntRange(max = 999) int millis) {
        Duration expected = Duration.ofHours(hours)
                .plusMinutes(minutes)
                .plusSeconds(seconds)
                .plusMillis(millis);
        assertThat(Durations.parse(hours + "h" + minutes + "m" + seconds + "s" + millis + "ms"))
                .isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> anyText() {
        Arbitrary<String> repeated = Combinators.combine(
                        Arbitraries.of("1m", "1.5s", "10ms", "9", "PT1S", "x"),
                        Arbitraries.integers().between(1, 5000))
                .as(String::repeat);
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200), repeated);
    }

    @Property(tries = 300)
    void anyTextIsADurationOrAnIllegalArgument(@ForAll("anyText") String text) {
        try {
            Duration parsed = Durations.parse(text);
            assertThat(text.length()).isLessThanOrEqualTo(Durations.MAX_LENGTH);
            assertThat(parsed).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).hasSizeLessThan(Durations.MAX_LENGTH + 100);
        }
    }

    @Property(tries = 1)
    void theReportedAttackIsRefusedWithoutEchoingIt() {
        for (String attack : List.of("1m".repeat(3000), "1".repeat(100_000), "PT" + "1S".repeat(3000))) {
            assertThatThrownBy(() -> Durations.parse(attack))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most " + Durations.MAX_LENGTH)
                    .hasMessageNotContaining("1m1m");
        }
    }
}
