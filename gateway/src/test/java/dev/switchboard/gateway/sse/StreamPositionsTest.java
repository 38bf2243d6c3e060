package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.gateway.topic.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a stream has written of each log it follows, and the id it gives the client for that. */
class StreamPositionsTest {
    private static final String ROOM = TopicNames.logKey("room").intern();
    private static final String NEWS = TopicNames.logKey("news").intern();

    @Test
    void aStreamOfOneLogSkipsWhatItWroteAndGivesThePlainIdOfTheLast() {
        StreamPositions positions = new StreamPositions(List.of("client-a"));
        assertThat(positions.lastSentId()).isNull();

        positions.startAfter("1700000000000-3");
        assertThat(positions.newIn("client-a", "1700000000000-3")).isEqualTo(-1);
        assertThat(positions.newIn("client-a", "1700000000000-2")).isEqualTo(-1);
        assertThat(positions.advance("client-a", "1700000000000-4", null)).isTrue();
        assertThat(positions.advance("client-a", "1700000000000-4", null)).isFalse();

        assertThat(positions.composite()).isFalse();
        assertThat(positions.lastSentId()).isEqualTo("1700000000000-4");
        assertThat(positions.byLog()).containsExactly(java.util.Map.entry("client-a", "1700000000000-4"));
    }

    @Test
    void aStreamOfTopicsMovesEachLogApartAndGivesATokenOfAllOfThem() {
        List<String> logs = List.of("client-a", ROOM, NEWS);
        StreamPositions positions = new StreamPositions(logs);
        assertThat(positions.lastSentId()).as("nothing written, no start").isNull();

        positions.startAt(new String[] {EventIds.ZERO, "1700000000000-0", EventIds.ZERO});
        assertThat(positions.newIn(ROOM, "1700000000000-0")).isEqualTo(-1);
        assertThat(positions.newIn("elsewhere", "1700000000009-0"))
                .as("a log not followed")
                .isEqualTo(-1);
        assertThat(positions.advance(NEWS, "1700000000005-1", null)).isTrue();

        String token = positions.lastSentId();
        assertThat(ResumeToken.looksLikeToken(token)).isTrue();
        assertThat(ResumeToken.decode(token, logs))
                .containsExactly(EventIds.ZERO, "1700000000000-0", "1700000000005-1");
        assertThat(positions.byLog().values()).containsExactly(EventIds.ZERO, "1700000000000-0", "1700000000005-1");
    }

    @Test
    void anIdLinePutInPlaceIsTheOneMadeAndMeasuredBeforehand() {
        List<String> logs = List.of("client-a", ROOM);
        StreamPositions positions = new StreamPositions(logs);
        positions.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        byte[] next = ResumeToken.position("1700000000123-45");

        int index = positions.newIn(ROOM, "1700000000123-45");
        int measured = positions.idLineLengthWith(index, next);
        positions.move(index, "1700000000123-45", next);
        ByteBuffer out = ByteBuffer.allocate(256);
        positions.putIdLine(out);

        byte[] made = positions.idLine();
        assertThat(out.position()).isEqualTo(measured).isEqualTo(made.length);
        assertThat(new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII))
                .isEqualTo(new String(made, StandardCharsets.US_ASCII));
        assertThat(ResumeToken.decode(positions.lastSentId(), logs)).containsExactly(EventIds.ZERO, "1700000000123-45");
    }
}
