package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The many-producers, one-consumer queue under streams and loops: nothing lost, repeated or reordered. */
class MpscQueueTest {
    @Test
    void anEmptyQueuePollsNullAndKeepsOrder() {
        MpscQueue<String> queue = new MpscQueue<>();
        assertThat(queue.poll()).isNull();
        queue.add("a");
        queue.add("b");
        assertThat(queue.poll()).isEqualTo("a");
        queue.add("c");
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isEqualTo("c");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void everyElementOfConcurrentProducersIsTakenOnceInEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 50_000;
        MpscQueue<long[]> queue = new MpscQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; i < perProducer; i++) {
                    queue.add(new long[] {producer, i});
                }
            }));
        }
        start.countDown();
        long[] nextOf = new long[producers];
        int taken = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (taken < producers * perProducer && System.nanoTime() < deadline) {
            long[] item = queue.poll();
            if (item == null) {
                Thread.onSpinWait();
                continue;
            }
            int producer = (int) item[0];
            assertThat(item[1]).as("producer %d's next", producer).isEqualTo(nextOf[producer]);
            nextOf[producer]++;
            taken++;
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(taken).isEqualTo(producers * perProducer);
        assertThat(queue.poll()).isNull();
    }
}
