package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a function or client puts in an event's id, name or data, the encoded bytes parse (by the
 * WHATWG rules) as exactly that one event: no line break can end a field early and start another field
 * or event, so nothing can be injected into a stream.
 */
class SseEncoderProperties {
    @Provide
    Arbitrary<String> hostile() {
        // line breaks, NUL, field names and blank lines are what an injection would need
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(40),
                Arbitraries.strings()
                        .withChars('\r', '\n', '\0', ':', ' ', 'd', 'a', 't', 'i', 'e', 'v')
                        .ofMaxLength(40),
                Arbitraries.of(
                        "\n\ndata: injected\n\n",
                        "x\r\nevent: evil\r\n\r\n",
                        "\rid: 999\r\r",
                        "data:",
                        "\u2028\u2029",
                        "\uFEFFdata: bom"));
    }

    @Property(tries = 500)
    void anyValueEncodesToExactlyThatOneEvent(
            @ForAll("hostile") String id, @ForAll("hostile") String type, @ForAll("hostile") String data) {
        String wire = new String(SseEncoder.event(id, type, data), StandardCharsets.UTF_8);
        List<SseEncoderTest.Event> events = SseEncoderTest.Parser.parse(wire);

        assertThat(events).hasSize(1);
        SseEncoderTest.Event event = events.getFirst();
        assertThat(event.data()).isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
        String cleanType = strip(type);
        assertThat(event.type()).isEqualTo(cleanType.isEmpty() ? "message" : cleanType);
        String cleanId = strip(id);
        assertThat(event.id()).isEqualTo(cleanId);
    }

    @Property(tries = 300)
    void aCommentNeverCarriesAnEvent(@ForAll("hostile") String text) {
        String wire = new String(SseEncoder.comment(text), StandardCharsets.UTF_8);
        assertThat(SseEncoderTest.Parser.parse(wire)).isEmpty();
    }

    private static String strip(String value) {
        return value.replace("\r", "").replace("\n", "").replace("\0", "");
    }
}
