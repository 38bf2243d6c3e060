package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte form the relay parses JSON from: the same data as the text form, with no String on the way. */
class SseEventReaderBytesTest {
    private static SseEventReader reader(String wire, long max) {
        return new SseEventReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void dataLinesAreJoinedAsUtf8Bytes() throws IOException {
        SseEventReader events = reader(
                ": comment\r\nevent: message\r\ndata: {\"a\":\r\ndata:\"é😀\"}\r\n\r\n" + "id: 7\ndata\n\ndata:   \n\n",
                1 << 16);
        assertThat(new String(events.nextDataBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\n\"é😀\"}");
        byte[] empty = events.nextDataBytes();
        assertThat(empty).isEmpty();
        byte[] spaces = events.nextDataBytes();
        assertThat(SseEventReader.isBlank(spaces)).isTrue();
        assertThat(events.nextDataBytes()).isNull();
    }

    @Test
    void theLastEventIdIsTheOneInForceAtEachDispatchAsTheSpecificationSetsIt() throws IOException {
        SseEventReader events = reader(
                "data: a\n\n" // no id yet
                        + "id: 7\ndata: b\n\n"
                        + "data: c\n\n" // an event without an id keeps the last one
                        + "id: 8\0x\ndata: d\n\n" // an id holding a NUL is ignored
                        + "id:9\r\ndata: e\r\n\r\n"
                        + "id: 10\ndata\n\n" // a priming event: an id, empty data
                        + "id: 11\n\n" // an id alone, dispatched by the blank line
                        + "id\ndata: f\n\n" // an empty id resets it
                        + "id: 12\ndata: g", // not dispatched: the stream ended first
                1 << 16);
        String[] expected = {null, "7", "7", "7", "9", "10"};
        for (String id : expected) {
            assertThat(events.nextDataBytes()).isNotNull();
            assertThat(events.lastEventId()).isEqualTo(id);
        }
        assertThat(new String(events.nextDataBytes(), StandardCharsets.UTF_8)).isEqualTo("f");
        assertThat(events.lastEventId()).isEmpty();
        assertThat(new String(events.nextDataBytes(), StandardCharsets.UTF_8)).isEqualTo("g");
        assertThat(events.nextDataBytes()).isNull();
    }

    @Test
    void anIdAfterTheLastEventCountsOnceItsBlankLineArrives() throws IOException {
        SseEventReader events = reader("id: 1\ndata: a\n\nid: 2\n\n", 1 << 16);
        events.nextDataBytes();
        assertThat(events.lastEventId()).isEqualTo("1");
        assertThat(events.nextDataBytes()).isNull();
        assertThat(events.lastEventId()).isEqualTo("2");
    }

    @Test
    void blankMeansWhitespaceOnlyAsStringIsBlankSaysIt() {
        for (String text : new String[] {"", " ", "\t\n", "\u2003", " \u3000 "}) {
            assertThat(SseEventReader.isBlank(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text)
                    .isTrue();
        }
        for (String text : new String[] {"{}", " x ", "é", "\u00a0"}) {
            assertThat(SseEventReader.isBlank(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text)
                    .isEqualTo(text.isBlank());
        }
    }

    @Test
    void anEventLargerThanTheBoundIsRefused() {
        SseEventReader events = reader("data: " + "x".repeat(100) + "\n\n", 50);
        assertThatThrownBy(events::nextDataBytes)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("50 bytes");
    }
}
