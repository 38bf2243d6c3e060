package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A listener that accepts is up, one that stopped is down, and one down listener makes the process not live. */
class ListenerChecksTest {
    @Test
    void aStoppedListenerIsDownAndAnAcceptingOneUp() {
        AtomicBoolean stream = new AtomicBoolean(true);
        ListenerChecks checks = new ListenerChecks()
                .add("public", ListenerChecks.accepting(() -> true))
                .add("stream", ListenerChecks.accepting(stream::get));
        assertThat(checks.states())
                .containsEntry("public", ListenerChecks.State.UP)
                .containsEntry("stream", ListenerChecks.State.UP);
        assertThat(checks.allAccepting()).isTrue();
        stream.set(false);
        ListenerChecks fresh = new ListenerChecks()
                .add("public", ListenerChecks.accepting(() -> true))
                .add("stream", ListenerChecks.accepting(stream::get));
        assertThat(fresh.states()).containsEntry("stream", ListenerChecks.State.DOWN);
        assertThat(fresh.allAccepting()).isFalse();
    }
}
