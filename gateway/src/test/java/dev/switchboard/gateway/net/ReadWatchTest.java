package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one watch of the process, with readers of the test's own: watched once, armed per read. */
class ReadWatchTest {
    private static final long TICK_MILLIS = TimeUnit.NANOSECONDS.toMillis(ReadWatch.TICK_NANOS);

    /** A reader whose reads are marks alone, watched until closed: what the watch ends is counted. */
    private static final class Reader implements ReadWatch.Watched, AutoCloseable {
        final ReadMark mark = new ReadMark();
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();

        static Reader watched() {
            Reader reader = new Reader();
            ReadWatch.SHARED.watch(reader);
            return reader;
        }

        @Override
        public void close() {
            ReadWatch.SHARED.unwatch(this);
        }

        void read(Duration within) {
            mark.arm(System.nanoTime() + within.toNanos());
            ReadWatch.SHARED.reading();
        }

        @Override
        public boolean reading() {
            return mark.reading();
        }

        @Override
        public void expireIfPast(long now) {
            checks.incrementAndGet();
            if (mark.expireIfPast(now)) {
                ended.incrementAndGet();
            }
        }
    }

    @Test
    void eachReadOfAWatchedReaderEndsAtItsMarkWhileTheReaderStaysWatched() {
        try (Reader reader = Reader.watched()) {
            for (int read = 1; read <= 3; read++) {
                reader.read(Duration.ofMillis(50));
                int expected = read;
                await().atMost(Duration.ofSeconds(5)).until(() -> reader.ended.get() == expected);
                assertThat(reader.mark.disarm())
                        .as("the reader learns its read timed out")
                        .isTrue();
            }
        }
    }

    @Test
    void aReaderBetweenReadsIsNeverCheckedAndAReadThatEndedInTimeIsNotEnded() throws Exception {
        try (Reader reader = Reader.watched()) {
            Thread.sleep(TICK_MILLIS * 5);
            assertThat(reader.checks.get()).as("watched, not reading").isZero();

            reader.read(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(5)).until(() -> reader.checks.get() >= 2);
            assertThat(reader.mark.disarm())
                    .as("ended by itself, before its mark")
                    .isFalse();
            int checked = reader.checks.get();
            Thread.sleep(TICK_MILLIS * 5);
            assertThat(reader.checks.get())
                    .as("at most a check that had begun; none once the read ended")
                    .isLessThanOrEqualTo(checked + 1);
            assertThat(reader.ended.get()).isZero();
        }
    }

    @Test
    void aReadWakesTheWatchAfterItFellAsleepAndAnUnwatchedReaderLeavesIt() throws Exception {
        Reader reader = Reader.watched();
        int watched = ReadWatch.SHARED.watchedCount();
        // longer than the watch's idle ticks: with no read in progress it sleeps until one begins
        Thread.sleep(TICK_MILLIS * 60);
        long start = System.nanoTime();
        reader.read(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.ended.get() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        reader.close();
        assertThat(ReadWatch.SHARED.watchedCount()).isEqualTo(watched - 1);
    }
}
