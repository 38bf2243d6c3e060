package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionSignalTest {
    @Test
    void everyKindSurvivesItsEncoding() {
        for (SessionSignal signal : new SessionSignal[] {
            SessionSignal.cancel("s1", "\"a\\nb\""),
            SessionSignal.ended("s2"),
            SessionSignal.initialized("s3"),
            SessionSignal.recovered("s4"),
            SessionSignal.changed("s5"),
            SessionSignal.streamOpened("s6", "c-1 2", 1_765_000_000_123L),
            SessionSignal.postStreamResumed("s7", "AbC-_9", "c-2 3", 1_765_000_000_124L)
        }) {
            assertThat(SessionSignal.decode(signal.encode())).isEqualTo(signal);
        }
        SessionSignal opened = SessionSignal.decode(
                SessionSignal.streamOpened("s6", "c-1", 42L).encode());
        assertThat(opened.openedAtMillis()).isEqualTo(42L);
        assertThat(opened.connectionId()).isEqualTo("c-1");
        SessionSignal resumed = SessionSignal.decode(
                SessionSignal.postStreamResumed("s7", "AbC-_9", "c-2", 43L).encode());
        assertThat(resumed.openedAtMillis()).isEqualTo(43L);
        assertThat(resumed.resumedStreamId()).isEqualTo("AbC-_9");
        assertThat(resumed.connectionId()).isEqualTo("c-2");
        assertThatThrownBy(() ->
                        SessionSignal.decode("STREAM_OPENED\ns6\nsoon c-1").openedAtMillis())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKindThisVersionDoesNotKnowIsToldApartFromAMalformedMessage() {
        assertThatThrownBy(() -> SessionSignal.decode("LATER\ns9\n"))
                .isInstanceOfSatisfying(
                        SessionSignal.UnknownKind.class,
                        e -> assertThat(e.sessionId()).isEqualTo("s9"));
        for (String malformed : new String[] {"", "ENDED", "ENDED\ns1", "\ns1\n", "ENDED\n\n"}) {
            assertThatThrownBy(() -> SessionSignal.decode(malformed))
                    .as(malformed)
                    .isInstanceOf(IllegalArgumentException.class)
                    .isNotInstanceOf(SessionSignal.UnknownKind.class);
        }
    }
}
