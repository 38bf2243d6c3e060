package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import org.junit.jupiter.api.Test;

/** Header names read from a head's text resolve as Helidon resolves their spelling, whatever the table holds. */
class SeenHeaderNamesTest {
    private static HeaderName read(SeenHeaderNames names, String name) {
        String head = "GET / HTTP/1.1\r\n" + name + ": v\r\n";
        int from = head.indexOf("\r\n") + 2;
        return names.name(head, from, head.indexOf(':', from));
    }

    private static void resolvesAsHelidon(HeaderName read, String spelling) {
        HeaderName expected = HeaderNames.create(spelling);
        assertThat(read).as(spelling).isEqualTo(expected);
        assertThat(read.lowerCase()).isEqualTo(expected.lowerCase());
        assertThat(read.defaultCase()).as("the spelling Helidon keeps").isEqualTo(expected.defaultCase());
    }

    @Test
    void aNameReadAgainIsTheSameNameWithoutBeingResolvedAgain() {
        SeenHeaderNames names = new SeenHeaderNames();
        HeaderName first = read(names, "Mcp-Session-Id");
        HeaderName again = read(names, "Mcp-Session-Id");
        resolvesAsHelidon(first, "Mcp-Session-Id");
        assertThat(again).as("the kept instance").isSameAs(first);
        resolvesAsHelidon(read(names, "Content-Type"), "Content-Type");
    }

    @Test
    void spellingsThatShareASlotResolveToTheirOwnNames() {
        SeenHeaderNames names = new SeenHeaderNames();
        // equal String hash codes, so one slot: each must still resolve to itself, alternately
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        for (int i = 0; i < 3; i++) {
            resolvesAsHelidon(read(names, "Aa"), "Aa");
            resolvesAsHelidon(read(names, "BB"), "BB");
        }
        // the same name in another case is another spelling: Helidon keeps each one's case
        resolvesAsHelidon(read(names, "content-type"), "content-type");
        resolvesAsHelidon(read(names, "CONTENT-TYPE"), "CONTENT-TYPE");
        resolvesAsHelidon(read(names, "Content-Type"), "Content-Type");
    }

    @Test
    void manyAndLongNamesResolveAlthoughTheTableIsSmall() {
        SeenHeaderNames names = new SeenHeaderNames();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1_000; i++) {
                resolvesAsHelidon(read(names, "X-Name-" + i), "X-Name-" + i);
            }
        }
        String longName = "X-" + "a".repeat(500);
        resolvesAsHelidon(read(names, longName), longName);
        resolvesAsHelidon(read(names, longName), longName);
    }
}
