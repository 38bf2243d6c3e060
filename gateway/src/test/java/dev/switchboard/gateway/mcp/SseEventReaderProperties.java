package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.sse.SseEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The decoder that reads functions' event streams, against the encoder the gateway writes with: any
 * events survive the round trip whole and in order, and any bytes at all end in events or a bounded
 * {@link IOException}, never another exception or an unbounded read.
 */
class SseEventReaderProperties {
    private static final long MAX_EVENT = 4096;

    @Provide
    Arbitrary<List<String>> events() {
        return text().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0001', '\uD7FF').ofMaxLength(60),
                Arbitraries.strings()
                        .withChars('\r', '\n', ':', ' ', 'd', 'a', 't', 'i', 'e', 'v', '{', '"')
                        .ofMaxLength(60),
                Arbitraries.of("\n\ndata: injected\n\n", "x\r\nevent: evil\r\n\r\n", "", " leading", ":"));
    }

    @Property(tries = 400)
    void encodedEventsComeBackWholeAndInOrder(
            @ForAll("events") List<String> data, @ForAll("text") String id, @ForAll("text") String type)
            throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String d : data) {
            wire.writeBytes(SseEncoder.comment("keep-alive"));
            wire.writeBytes(SseEncoder.event(id, type, d));
        }
        SseEventReader reader = new SseEventReader(new ByteArrayInputStream(wire.toByteArray()), 1 << 20);
        List<String> read = new ArrayList<>();
        String next;
        while ((next = reader.nextData()) != null) {
            read.add(next);
        }
        assertThat(read)
                .containsExactlyElementsOf(data.stream()
                        .map(d -> d.replace("\r\n", "\n").replace('\r', '\n'))
                        .toList());
    }

    @Property(tries = 400)
    void anyBytesEndInEventsOrABoundedFailure(@ForAll @Size(max = 3000) byte[] bytes) {
        SseEventReader reader = new SseEventReader(new ByteArrayInputStream(bytes), MAX_EVENT);
        int events = 0;
        try {
            String next;
            while ((next = reader.nextData()) != null) {
                assertThat(next.length()).isLessThanOrEqualTo((int) MAX_EVENT);
                events++;
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining(String.valueOf(MAX_EVENT));
        }
        assertThat(events).isLessThanOrEqualTo(bytes.length);
    }
}
