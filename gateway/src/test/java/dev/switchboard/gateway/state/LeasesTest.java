package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leases and the note a holder keeps with one, alike on both stores (on Redis one key holds both, so that taking,
 * renewing, noting and giving up stay atomic): only the holder notes, a renewal keeps the note, and the note goes
 * with the lease.
 */
class LeasesTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private final List<AutoCloseable> opened = new ArrayList<>();

    static Stream<String> stores() {
        return Stream.of("memory", "redis");
    }

    private Leases leases(String store) {
        if (store.equals("memory")) {
            MemoryStateStore memory =
                    new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofHours(1), Duration.ofMinutes(30));
            opened.add(memory);
            return memory.leases();
        }
        TestRedis.shared().flush();
        RedisStateStore redis = TestStores.redis("a");
        opened.add(redis);
        return redis.leases();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void onlyTheHolderNotesAndTheNoteLastsAsLongAsTheLease(String store) {
        Leases leases = leases(store);
        assertThat(leases.read("stream:s1")).isEmpty();
        assertThat(leases.note("stream:s1", "a", "open"))
                .as("nobody holds it: nothing to note")
                .isFalse();
        assertThat(leases.read("stream:s1")).isEmpty();

        assertThat(leases.acquire("stream:s1", "a", TTL)).isTrue();
        assertThat(leases.read("stream:s1")).contains(new Leases.Lease("a", ""));
        assertThat(leases.note("stream:s1", "a", "backend-1")).isTrue();
        assertThat(leases.read("stream:s1")).contains(new Leases.Lease("a", "backend-1"));

        // another holder neither takes it, nor notes, nor gives it up
        assertThat(leases.acquire("stream:s1", "b", TTL)).isFalse();
        assertThat(leases.note("stream:s1", "b", "backend-2")).isFalse();
        leases.release("stream:s1", "b");
        assertThat(leases.read("stream:s1")).contains(new Leases.Lease("a", "backend-1"));

        // a renewal keeps the note; a holder named like the start of another's is not that holder
        assertThat(leases.acquire("stream:s1", "a", TTL)).isTrue();
        assertThat(leases.read("stream:s1")).contains(new Leases.Lease("a", "backend-1"));
        assertThat(leases.acquire("stream:s1", "", TTL)).isFalse();

        assertThat(leases.note("stream:s1", "a", "")).isTrue();
        assertThat(leases.read("stream:s1")).contains(new Leases.Lease("a", ""));
        assertThat(leases.note("stream:s1", "a", "backend-3")).isTrue();
        leases.release("stream:s1", "a");
        assertThat(leases.read("stream:s1")).isEmpty();
        assertThat(leases.acquire("stream:s1", "b", TTL)).isTrue();
        assertThat(leases.read("stream:s1"))
                .as("a new holder starts without a note")
                .contains(new Leases.Lease("b", ""));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aLapsedLeaseHasNoHolderAndNoNote(String store) throws InterruptedException {
        Leases leases = leases(store);
        assertThat(leases.acquire("stream:s2", "a", Duration.ofMillis(200))).isTrue();
        assertThat(leases.note("stream:s2", "a", "backend-1")).isTrue();
        Thread.sleep(400);
        assertThat(leases.read("stream:s2")).isEqualTo(Optional.empty());
        assertThat(leases.note("stream:s2", "a", "backend-1")).isFalse();
        assertThat(leases.acquire("stream:s2", "b", TTL)).isTrue();
        assertThat(leases.read("stream:s2")).contains(new Leases.Lease("b", ""));
    }
}
