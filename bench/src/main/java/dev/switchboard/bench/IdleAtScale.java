package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scenario 1 beyond one process: N idle SSE connections from several herd processes (one per block of
 * source addresses) against several server processes, because one process may hold only about 20,000
 * open files here. The gateway side is a fleet of replicas sharing one Redis, each holding its share;
 * nginx runs one worker per share, the kernel spreading connections over them ({@code reuseport}).
 * Memory and CPU are summed over the server's processes (Redis's growth is reported beside it).
 */
final class IdleAtScale {
    /** Connections per process, client or server, with room under the 20,000-file limit. */
    static final int PER_PROCESS = 16_000;

    /** Everything measured on one server at scale. */
    record Result(
            String server,
            int connections,
            int processes,
            double pssPerConnection,
            double heapPerConnection,
            double redisPssPerConnection,
            double cpuMillisPerSecond,
            long heartbeats,
            double heartbeatsExpected,
            int dropped) {}

    /** A server at scale: its processes, and where the k-th herd connects. */
    interface Fleet {
        List<Rig.Server> servers();

        /** @return the port the k-th herd connects to */
        int port(int herd);

        String path();
    }

    private IdleAtScale() {}

    /** @return how many processes hold {@code n} connections, {@code perProcess} each at most */
    static int processes(int n, int perProcess) {
        return Math.max(1, (n + perProcess - 1) / perProcess);
    }

    /**
     * @param name      server name in the report
     * @param fleet     the server's processes, started
     * @param jvm       whether they are JVMs (live heap measured)
     * @param redis     the Redis the fleet shares, if any (its growth is reported)
     * @param n         connections
     * @param perProcess connections per herd process at most (one herd per server process)
     * @param idle      idle window for the CPU reading
     * @param heartbeat the server's heartbeat interval
     * @param logs      directory for the herds' error output
     */
    static Result run(
            String name,
            Fleet fleet,
            boolean jvm,
            Rig.Server redis,
            int n,
            int perProcess,
            Duration idle,
            Duration heartbeat,
            Path logs)
            throws IOException, InterruptedException {
        Thread.sleep(1000);
        int herds = processes(n, perProcess);
        long heapBefore = jvm ? heap(fleet.servers()) : 0;
        long pssBefore = pss(fleet.servers());
        long redisBefore = redis == null ? 0 : redis.proc().pssBytes();
        List<HerdProcess> started = new ArrayList<>();
        try (ExecutorService opening = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HerdProcess>> pending = new ArrayList<>();
            for (int k = 0; k < herds; k++) {
                int block = k;
                int share = n / herds + (k < n % herds ? 1 : 0);
                pending.add(
                        opening.submit(() -> HerdProcess.start(fleet.port(block), fleet.path(), share, block, logs)));
            }
            IllegalStateException failure = null;
            for (Future<HerdProcess> f : pending) {
                try {
                    started.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failure =
                            new IllegalStateException(name + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            if (failure != null) {
                started.forEach(HerdProcess::close);
                throw failure;
            }
        }
        try {
            Thread.sleep(2000);
            long heartbeatsBefore = heartbeats(started);
            long cpuBefore = cpu(fleet.servers());
            long idleStart = System.nanoTime();
            Thread.sleep(idle.toMillis());
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
            double cpuPerSecond = (cpu(fleet.servers()) - cpuBefore) / idleSeconds;
            long heartbeats = heartbeats(started) - heartbeatsBefore;
            int dropped = 0;
            for (HerdProcess h : started) {
                dropped += h.counts().closed();
            }
            long heapAfter = jvm ? heap(fleet.servers()) : 0;
            long pssAfter = pss(fleet.servers());
            long redisAfter = redis == null ? 0 : redis.proc().pssBytes();
            return new Result(
                    name,
                    n,
                    herds,
                    (double) (pssAfter - pssBefore) / n,
                    jvm ? (double) (heapAfter - heapBefore) / n : Double.NaN,
                    redis == null ? Double.NaN : (double) (redisAfter - redisBefore) / n,
                    cpuPerSecond,
                    heartbeats,
                    n * idleSeconds / heartbeat.toSeconds(),
                    dropped);
        } finally {
            started.forEach(HerdProcess::close);
        }
    }

    private static long heartbeats(List<HerdProcess> herds) throws IOException {
        long total = 0;
        for (HerdProcess h : herds) {
            total += h.counts().heartbeats();
        }
        return total;
    }

    private static long heap(List<Rig.Server> servers) throws IOException, InterruptedException {
        long total = 0;
        for (Rig.Server s : servers) {
            total += s.proc().liveHeapBytes();
        }
        return total;
    }

    private static long pss(List<Rig.Server> servers) {
        long total = 0;
        for (Rig.Server s : servers) {
            total += s.proc().pssBytes();
        }
        return total;
    }

    private static long cpu(List<Rig.Server> servers) {
        long total = 0;
        for (Rig.Server s : servers) {
            total += s.proc().cpuMillis();
        }
        return total;
    }
}
