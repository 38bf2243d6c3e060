package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A failure repeated for every connection is logged with its trace once per interval, the rest counted. */
class RateLimitedLogTest {
    @Test
    void aThousandFailuresInAnIntervalLogOneTraceThenASummary() {
        Logger logger = Logger.getLogger("rate-limited-log-test");
        logger.setUseParentHandlers(false);
        List<LogRecord> records = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        AtomicLong now = new AtomicLong();
        RateLimitedLog log =
                new RateLimitedLog(logger, Level.WARNING, "accept failed", Duration.ofMinutes(1), now::get);
        IOException failure = new IOException("Too many open files");
        for (int i = 0; i < 1000; i++) {
            log.log(failure);
            now.addAndGet(Duration.ofMillis(10).toNanos()); // 10 s in all
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getThrown()).isSameAs(failure);
        assertThat(log.suppressed()).isEqualTo(999);

        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(log.log(failure)).isTrue();
        assertThat(records).hasSize(2);
        assertThat(records.get(1).getMessage()).contains("and 999 more like it");
    }
}
