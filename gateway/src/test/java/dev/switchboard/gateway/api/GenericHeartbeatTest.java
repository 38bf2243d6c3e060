package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.state.ClientEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generic heartbeat encoded in place (the event loop's way, no allocation) is byte for byte the one
 * {@link SseEncoder} writes, whatever the ids; a heartbeat goes alone only when nothing else waits.
 */
class GenericHeartbeatTest {
    private static final long NOW = 1_764_500_000_123L;
    private final GenericHeartbeat format = new GenericHeartbeat(() -> NOW);

    private SseStream stream(String connectionId, List<String> topicLogs) {
        return new SseStream(connectionId, "client", topicLogs, null, Map.of(), Instant.EPOCH, "r", 10, format);
    }

    private byte[] inPlace(SseStream s, int room) {
        ByteBuffer out = ByteBuffer.allocate(room);
        assertThat(format.writeTo(s, out)).isTrue();
        return Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void inPlaceIsTheEncodersBytes() {
        SseStream fresh = stream("c-1", List.of());
        assertThat(new String(inPlace(fresh, 4096), StandardCharsets.UTF_8))
                .isEqualTo("event: heartbeat\ndata: {\"timestamp\":1764500000,\"connection_id\":\"c-1\"}\n\n");
        assertThat(inPlace(fresh, 4096)).isEqualTo(format.bytes(fresh));

        SseStream resumed = stream("c-2", List.of());
        resumed.startAfter("1764500000000-7");
        assertThat(inPlace(resumed, 4096))
                .isEqualTo(format.bytes(resumed))
                .isEqualTo(SseEncoder.event(
                        "1764500000000-7", "heartbeat", "{\"timestamp\":1764500000,\"connection_id\":\"c-2\"}"));

        // a stream of several logs: its id is a resume token
        SseStream topics = stream("c-3", List.of("topic:{a}", "topic:{b}"));
        topics.startAt(new String[] {"1-0", "2-0", "3-0"});
        assertThat(inPlace(topics, 4096)).isEqualTo(format.bytes(topics));
    }

    @Test
    void idsTheEncoderWouldCleanGoThroughIt() {
        SseStream odd = stream("c-\u00e9\"", List.of());
        odd.startAfter("1-0\r\nevent: forged");
        assertThat(inPlace(odd, 4096)).isEqualTo(format.bytes(odd));
        assertThat(new String(inPlace(odd, 4096), StandardCharsets.UTF_8)).doesNotContain("\nevent: forged");
    }

    @Test
    void aBufferWithoutRoomIsLeftUntouched() {
        SseStream s = stream("c-4", List.of());
        ByteBuffer tight = ByteBuffer.allocate(20);
        assertThat(format.writeTo(s, tight)).isFalse();
        assertThat(tight.position()).isZero();
    }

    @Test
    void aHeartbeatGoesAloneOnlyWhenNothingElseWaits() {
        SseStream s = stream("c-5", List.of());
        ByteBuffer out = ByteBuffer.allocate(4096);
        s.offer(new ClientEvent("1764500000000-1", "message", "hello"));
        assertThat(s.heartbeatAlone(out)).as("an event waits: it goes with it").isFalse();
        assertThat(out.position()).isZero();
        assertThat(s.drain().events()).isEqualTo(1);

        assertThat(s.heartbeatAlone(out)).isTrue();
        assertThat(Arrays.copyOf(out.array(), out.position())).isEqualTo(format.bytes(s));
        assertThat(s.drain()).as("nothing else was due").isNull();

        s.close(CloseReason.CLIENT_GONE);
        assertThat(s.heartbeatAlone(ByteBuffer.allocate(4096))).isFalse();
    }
}
