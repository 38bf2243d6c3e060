package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real Redis Sentinel watching a {@link TestRedis} master under the name {@value #MASTER_NAME}: how a
 * Sentinel-managed deployment looks to a client. Needs {@code redis-server} on {@code PATH} (it runs in
 * sentinel mode).
 */
public final class TestRedisSentinel implements AutoCloseable {
    /** The monitored master's name, as written after {@code #} in a {@code redis-sentinel://} URL. */
    public static final String MASTER_NAME = "switchboard";

    private final Process process;
    private final int port;
    private final Path dir;

    private TestRedisSentinel(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * @param master the Redis to monitor
     * @return a started sentinel, or empty when {@code redis-server} is not on PATH; close it when done
     */
    public static Optional<TestRedisSentinel> start(TestRedis master) {
        Optional<Path> server = TestRedis.onPath("redis-server");
        if (server.isEmpty()) {
            return Optional.empty();
        }
        int port = TestRedis.freePort();
        try {
            Path dir = Files.createTempDirectory("switchboard-sentinel");
            // sentinel mode needs a writable config file: it records what it learns there
            Path config = Files.writeString(
                    dir.resolve("sentinel.conf"),
                    "port " + port + "\nbind 127.0.0.1\nprotected-mode no\n" + "sentinel monitor " + MASTER_NAME + " "
                            + master.host() + " " + master.port() + " 1\n");
            Process process = new ProcessBuilder(server.get().toString(), config.toString(), "--sentinel")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sentinel.log").toFile())
                    .start();
            TestRedisSentinel sentinel = new TestRedisSentinel(process, port, dir);
            sentinel.awaitMaster(master.port());
            return Optional.of(sentinel);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Redis Sentinel: " + e.getMessage(), e);
        }
    }

    private void awaitMaster(int masterPort) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (RawRedis.send(port, "SENTINEL get-master-addr-by-name " + MASTER_NAME)
                    .contains(String.valueOf(masterPort))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("Redis Sentinel on " + port + " did not report its master within 15s");
    }

    /** @return a Lettuce {@code redis-sentinel://} URL that finds the master through this sentinel */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + port + "#" + MASTER_NAME;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
