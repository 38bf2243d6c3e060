package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseEncoderTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void eventWithIdTypeAndDataHasExactBytes() {
        assertThat(SseEncoder.event("1700000000000-3", "function_response", "{\"ok\":true}"))
                .isEqualTo("id: 1700000000000-3\nevent: function_response\ndata: {\"ok\":true}\n\n"
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nullIdAndTypeAreOmitted() {
        assertThat(text(SseEncoder.event(null, null, "x"))).isEqualTo("data: x\n\n");
        assertThat(text(SseEncoder.event("5-0", null, "x"))).isEqualTo("id: 5-0\ndata: x\n\n");
        assertThat(text(SseEncoder.event(null, "ping", "x"))).isEqualTo("event: ping\ndata: x\n\n");
    }

    @Test
    void multiLineDataIsSplitOnEveryLineBreakKind() {
        assertThat(text(SseEncoder.event(null, null, "a\nb\r\nc\rd")))
                .isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void crLfCountsAsOneBreakButLfCrAsTwo() {
        assertThat(text(SseEncoder.event(null, null, "a\r\nb"))).isEqualTo("data: a\ndata: b\n\n");
        assertThat(text(SseEncoder.event(null, null, "a\n\rb"))).isEqualTo("data: a\ndata: \ndata: b\n\n");
    }

    @Test
    void leadingAndTrailingBreaksGiveEmptyDataLines() {
        assertThat(text(SseEncoder.event(null, null, "\nx\n"))).isEqualTo("data: \ndata: x\ndata: \n\n");
        assertThat(text(SseEncoder.event(null, null, "x\r"))).isEqualTo("data: x\ndata: \n\n");
    }

    @Test
    void emptyOrNullDataGivesOneEmptyDataLine() {
        assertThat(text(SseEncoder.event(null, null, ""))).isEqualTo("data: \n\n");
        assertThat(text(SseEncoder.event(null, null, null))).isEqualTo("data: \n\n");
    }

    @Test
    void unicodeIsEncodedAsUtf8() {
        String data = "héllo \uD83D\uDE80 日本語";
        byte[] bytes = SseEncoder.event(null, "ünï", data);
        byte[] expected = ("event: ünï\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(bytes).isEqualTo(expected);
        // the rocket is 4 bytes in UTF-8, each CJK character 3
        assertThat(bytes).containsSequence(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x9A, (byte) 0x80});
        assertThat(bytes).containsSequence(new byte[] {(byte) 0xE6, (byte) 0x97, (byte) 0xA5});
    }

    @Test
    void lineBreaksAndNulAreStrippedFromIdAndEventName() {
        String out = text(SseEncoder.event("1\nevent: evil", "a\r\ndata: injected\u0000\rx", "d"));
        assertThat(out).isEqualTo("id: 1event: evil\nevent: adata: injectedx\ndata: d\n\n");
        assertThat(out.lines()).noneMatch(l -> l.startsWith("event: evil"));
        assertThat(out.lines()).noneMatch(l -> l.startsWith("data: injected"));
        List<Event> events = Parser.parse(out);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo("adata: injectedx");
        assertThat(events.get(0).data()).isEqualTo("d");
    }

    @Test
    void dataCannotInjectFieldsOrEvents() {
        String out = text(SseEncoder.event("1-0", "t", "x\n\nid: 666\nevent: evil\r\rdata: y"));
        assertThat(out.lines().filter(l -> !l.isEmpty()))
                .allMatch(l -> l.startsWith("data: ") || l.equals("id: 1-0") || l.equals("event: t"));
        List<Event> events = Parser.parse(out);
        assertThat(events).containsExactly(new Event("1-0", "t", "x\n\nid: 666\nevent: evil\n\ndata: y"));
    }

    @Test
    void commentIsOneLinePerInputLine() {
        assertThat(text(SseEncoder.comment("keep-alive"))).isEqualTo(": keep-alive\n\n");
        assertThat(text(SseEncoder.comment(""))).isEqualTo(":\n\n");
        assertThat(text(SseEncoder.comment("a\r\nb\rc\nd"))).isEqualTo(": a\n: b\n: c\n: d\n\n");
        assertThat(text(SseEncoder.comment("a\n\nevent: evil"))).isEqualTo(": a\n:\n: event: evil\n\n");
        assertThat(Parser.parse(text(SseEncoder.comment("x\ndata: evil\n")))).isEmpty();
    }

    @Test
    void retryField() {
        assertThat(text(SseEncoder.retry(3000))).isEqualTo("retry: 3000\n\n");
        assertThat(text(SseEncoder.retry(0))).isEqualTo("retry: 0\n\n");
        assertThat(text(SseEncoder.retry(-5))).isEqualTo("retry: 0\n\n");
        Parser parser = new Parser();
        parser.feed(text(SseEncoder.retry(1234)));
        assertThat(parser.retry).isEqualTo(1234L);
        assertThat(parser.events).isEmpty();
    }

    @Test
    void parserFollowsTheSpec() {
        // sanity checks of the test parser itself, against examples of the WHATWG spec
        assertThat(Parser.parse("data: YHOO\ndata: +2\ndata: 10\n\n"))
                .containsExactly(new Event(null, "message", "YHOO\n+2\n10"));
        assertThat(Parser.parse("data:test\r\n\r\ndata: test\r\rdata\n\n:c\nevent:e\ndata:  two\n\n"))
                .containsExactly(
                        new Event(null, "message", "test"), new Event(null, "message", "test"),
                        new Event(null, "message", ""), new Event(null, "e", " two"));
        assertThat(Parser.parse("id: 1\n\ndata: x\n\ndata: unterminated\n"))
                .containsExactly(new Event("1", "message", "x"));
        assertThat(Parser.parse("id: a\u0000b\ndata: x\n\n")).containsExactly(new Event(null, "message", "x"));
    }

    @Test
    void randomizedRoundTrip() {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 500; i++) {
                String id = random.nextInt(5) == 0 ? null : randomString(random);
                String type = random.nextInt(5) == 0 ? null : randomString(random);
                String data = randomString(random);
                String wire = text(SseEncoder.event(id, type, data));
                String context = "seed " + seed + " case " + i + ": " + escape(wire);

                List<Event> events = Parser.parse(wire);
                assertThat(events).as(context).hasSize(1);
                Event event = events.get(0);
                assertThat(event.data())
                        .as(context)
                        .isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
                assertThat(event.id()).as(context).isEqualTo(id == null ? null : stripControls(id));
                String expectedType = type == null || stripControls(type).isEmpty() ? "message" : stripControls(type);
                assertThat(event.type()).as(context).isEqualTo(expectedType);
                assertThat(wire).as(context).endsWith("\n\n").doesNotContain("\r");
                assertThat(wire.substring(0, wire.length() - 1)).as(context).doesNotContain("\n\n");
            }
        }
    }

    @Test
    void concatenatedEventsParseSeparately() {
        Random random = new Random(42);
        StringBuilder wire = new StringBuilder(text(SseEncoder.retry(10)));
        List<Event> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String data = randomString(random);
            String id = i + "-0";
            wire.append(text(SseEncoder.event(id, "t", data)));
            wire.append(text(SseEncoder.comment(randomString(random))));
            expected.add(new Event(id, "t", data.replace("\r\n", "\n").replace('\r', '\n')));
        }
        assertThat(Parser.parse(wire.toString())).containsExactlyElementsOf(expected);
    }

    private static final char[] SPECIAL = {'\r', '\n', '\u0000', ':', ' ', '\t', '\uFEFF', 'é', '日'};
    private static final String[] SEQUENCES = {"\r\n", "\n\n", "\r\r", "data: ", "id: ", "event: ", "\uD83D\uDE00"};

    private static String randomString(Random random) {
        int length = random.nextInt(20);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0, 1 -> s.append((char) ('a' + random.nextInt(26)));
                case 2 -> s.append(SPECIAL[random.nextInt(SPECIAL.length)]);
                case 3 -> s.append(SEQUENCES[random.nextInt(SEQUENCES.length)]);
                case 4 -> s.appendCodePoint(randomCodePoint(random));
                default -> s.append(random.nextBoolean() ? '\r' : '\n');
            }
        }
        return s.toString();
    }

    /** Any Unicode scalar value (no lone surrogates, which UTF-8 cannot carry). */
    private static int randomCodePoint(Random random) {
        while (true) {
            int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                return cp;
            }
        }
    }

    private static String stripControls(String s) {
        return s.replace("\r", "").replace("\n", "").replace("\u0000", "");
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    }

    record Event(String id, String type, String data) {}

    /**
     * A parser that follows the WHATWG "event stream interpretation" rules. {@code id} is the last event id
     * at dispatch (null if none was ever set); {@code type} is {@code message} when the event type buffer is
     * empty.
     */
    static final class Parser {
        final List<Event> events = new ArrayList<>();
        Long retry;
        private String lastEventId;
        private final StringBuilder data = new StringBuilder();
        private String eventType = "";

        static List<Event> parse(String stream) {
            Parser p = new Parser();
            p.feed(stream);
            return p.events;
        }

        void feed(String stream) {
            if (stream.startsWith("\uFEFF")) {
                stream = stream.substring(1);
            }
            int start = 0;
            int i = 0;
            while (i < stream.length()) {
                char c = stream.charAt(i);
                if (c == '\r' || c == '\n') {
                    line(stream.substring(start, i));
                    if (c == '\r' && i + 1 < stream.length() && stream.charAt(i + 1) == '\n') {
                        i++;
                    }
                    start = i + 1;
                }
                i++;
            }
            // an unterminated last line (and its unfinished event) is discarded at end of stream
        }

        private void line(String line) {
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            if (line.startsWith(":")) {
                return;
            }
            int colon = line.indexOf(':');
            String field;
            String value;
            if (colon >= 0) {
                field = line.substring(0, colon);
                value = line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
            } else {
                field = line;
                value = "";
            }
            switch (field) {
                case "event" -> eventType = value;
                case "data" -> data.append(value).append('\n');
                case "id" -> {
                    if (value.indexOf('\u0000') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        retry = Long.parseLong(value);
                    }
                }
                default -> {}
            }
        }

        private void dispatch() {
            if (data.isEmpty()) {
                eventType = "";
                return;
            }
            String value = data.substring(0, data.length() - 1);
            events.add(new Event(lastEventId, eventType.isEmpty() ? "message" : eventType, value));
            data.setLength(0);
            eventType = "";
        }
    }
}
