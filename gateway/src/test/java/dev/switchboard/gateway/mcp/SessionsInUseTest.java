package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionsInUseTest {
    @Test
    void aSessionStaysInUseUntilEachOfItsUsesHasEnded() {
        SessionsInUse inUse = new SessionsInUse();
        inUse.add("s1"); // its standalone stream
        inUse.add("s1"); // a running call
        inUse.add("s2");

        inUse.remove("s1");
        assertThat(inUse.snapshot()).containsExactlyInAnyOrder("s1", "s2");
        inUse.remove("s1");
        inUse.remove("s3"); // never added: nothing happens
        assertThat(inUse.snapshot()).containsExactly("s2");
        inUse.remove("s2");
        assertThat(inUse.snapshot()).isEmpty();
    }

    @Test
    void concurrentUsesOfOneSessionBalance() throws InterruptedException {
        SessionsInUse inUse = new SessionsInUse();
        inUse.add("held"); // a stream that outlives the calls
        CountDownLatch done = new CountDownLatch(8);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    inUse.add("held");
                    inUse.remove("held");
                }
                done.countDown();
            }));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(inUse.snapshot()).containsExactly("held");
        inUse.remove("held");
        assertThat(inUse.snapshot()).isEmpty();
    }
}
