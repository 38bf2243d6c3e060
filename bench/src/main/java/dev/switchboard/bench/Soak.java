package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mixed load on two replicas over one Redis for a bounded time, with Redis killed and restarted twice:
 * held streams on both replicas, async calls for them posted to either replica, sync calls and whole MCP
 * sessions. At the end every accepted event must have reached its one stream exactly once; memory is
 * sampled throughout.
 */
final class Soak {
    /** What a soak measured. */
    record Result(
            Duration length,
            int streams,
            long accepted,
            long refused,
            long lost,
            long duplicated,
            long otherErrors,
            long syncCalls,
            long mcpSessions,
            long mcpFailures,
            int dropped,
            List<String> memory,
            List<String> restarts) {}

    private static final int STREAMS_PER_REPLICA = 200;
    private static final int MAX_EVENTS = 2_000_000;

    private Soak() {}

    static Result run(Rig rig, Duration length) throws IOException, InterruptedException {
        Rig.Server echo = rig.echo();
        Rig.Server mcp = rig.mcpFunction();
        int redisPort = Proc.freePort();
        Rig.Server redis = rig.redis(redisPort)
                .orElseThrow(() -> new IllegalStateException("the soak needs redis-server on PATH"));
        Map<String, String> config = Map.of(
                "REDIS_URL", "redis://127.0.0.1:" + redisPort, "HEARTBEAT_INTERVAL", "15s", "REDIS_TIMEOUT", "1s");
        Rig.Server a = rig.gateway("soak-a", config);
        Rig.Server b = rig.gateway("soak-b", config);
        Rig.registerExamples(a, echo, mcp);
        Thread.sleep(500);

        List<String> memory = new ArrayList<>();
        List<String> restarts = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong sync = new AtomicLong();
        AtomicLong sessions = new AtomicLong();
        AtomicLong sessionFailures = new AtomicLong();
        AtomicInteger seq = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        boolean[] acceptedSeq = new boolean[MAX_EVENTS];
        long[] acceptedAt = new long[MAX_EVENTS];

        try (SseHerd onA =
                        new SseHerd("127.0.0.1", a.port(), i -> "/sse/a" + i, Map.of("Accept", "text/event-stream"));
                SseHerd onB =
                        new SseHerd("127.0.0.1", b.port(), i -> "/sse/b" + i, Map.of("Accept", "text/event-stream"))) {
            onA.open(STREAMS_PER_REPLICA, Duration.ofSeconds(30));
            onB.open(STREAMS_PER_REPLICA, Duration.ofSeconds(30));
            SseHerd.Sequence seqA = onA.sequence(MAX_EVENTS);
            SseHerd.Sequence seqB = onB.sequence(MAX_EVENTS);
            long start = System.nanoTime();
            long end = start + length.toNanos();

            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                load.add(Thread.ofVirtual()
                        .start(() -> publish(a, b, running, seq, acceptedSeq, acceptedAt, accepted, refused, errors)));
            }
            load.add(Thread.ofVirtual().start(() -> syncCalls(a, b, running, sync, errors)));
            load.add(Thread.ofVirtual().start(() -> mcpSessions(a, b, running, sessions, sessionFailures)));

            long[] restartAt = {start + length.toNanos() / 3, start + 2 * length.toNanos() / 3};
            int nextRestart = 0;
            long nextSample = start;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    memory.add(sample(now - start, a, b));
                    nextSample = now
                            + Math.max(
                                    length.toNanos() / 10, Duration.ofSeconds(5).toNanos());
                }
                if (nextRestart < restartAt.length && now >= restartAt[nextRestart]) {
                    restarts.add("at " + Duration.ofNanos(now - start).toSeconds() + " s: Redis killed, down 5 s");
                    rig.stop(redis);
                    Thread.sleep(5000);
                    redis = rig.redis(redisPort).orElseThrow();
                    // a restarted Redis without persistence has lost the registrations: re-apply them, as the
                    // operator's resync would
                    reRegister(a, echo, mcp);
                    nextRestart++;
                }
                Thread.sleep(200);
            }
            running.set(false);
            for (Thread t : load) {
                t.join(Duration.ofSeconds(30).toMillis());
            }
            // accepted results may still be in flight or waiting out the last outage
            long settleUntil = System.nanoTime() + Duration.ofSeconds(70).toNanos();
            int total = seq.get();
            while (System.nanoTime() < settleUntil && missing(acceptedSeq, total, seqA, seqB) > 0) {
                Thread.sleep(500);
            }
            memory.add(sample(System.nanoTime() - start, a, b));
            long lost = missing(acceptedSeq, total, seqA, seqB);
            if (lost > 0) {
                StringBuilder which = new StringBuilder();
                for (int k = 0; k < total && which.length() < 2000; k++) {
                    if (acceptedSeq[k] && seqA.counts.get(k) + seqB.counts.get(k) == 0) {
                        which.append(k)
                                .append('@')
                                .append(Duration.ofNanos(acceptedAt[k] - start).toMillis())
                                .append("ms ");
                    }
                }
                BenchMain.log("lost events (seq@accepted): " + which + "; failure events seen: "
                        + (onA.failureEvents() + onB.failureEvents()) + "; restarts: " + restarts);
            }
            long duplicated = 0;
            for (int k = 0; k < total; k++) {
                duplicated += Math.max(0, seqA.counts.get(k) + seqB.counts.get(k) - 1);
            }
            return new Result(
                    length,
                    2 * STREAMS_PER_REPLICA,
                    accepted.get(),
                    refused.get(),
                    lost,
                    duplicated,
                    errors.get(),
                    sync.get(),
                    sessions.get(),
                    sessionFailures.get(),
                    onA.closed() + onB.closed(),
                    memory,
                    restarts);
        }
    }

    private static long missing(boolean[] acceptedSeq, int total, SseHerd.Sequence x, SseHerd.Sequence y) {
        long missing = 0;
        for (int k = 0; k < total; k++) {
            if (acceptedSeq[k] && x.counts.get(k) + y.counts.get(k) == 0) {
                missing++;
            }
        }
        return missing;
    }

    private static void reRegister(Rig.Server a, Rig.Server echo, Rig.Server mcp) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                Rig.registerExamples(a, echo, mcp);
                return;
            } catch (IOException | IllegalStateException e) {
                Thread.sleep(200); // Redis not back yet
            }
        }
    }

    private static String sample(long sinceStart, Rig.Server a, Rig.Server b) {
        try {
            return "| %d s | %.1f MB | %.1f MB | %.1f MB | %.1f MB |"
                    .formatted(
                            Duration.ofNanos(sinceStart).toSeconds(),
                            a.proc().pssBytes() / 1e6,
                            a.proc().liveHeapBytes() / 1e6,
                            b.proc().pssBytes() / 1e6,
                            b.proc().liveHeapBytes() / 1e6);
        } catch (IOException | InterruptedException e) {
            return "| sample failed: " + e.getMessage() + " | | | | |";
        }
    }

    /** Async calls for random streams, posted to a random replica, about 25 a second per thread. */
    private static void publish(
            Rig.Server a,
            Rig.Server b,
            AtomicBoolean running,
            AtomicInteger seq,
            boolean[] acceptedSeq,
            long[] acceptedAt,
            AtomicLong accepted,
            AtomicLong refused,
            AtomicLong errors) {
        try (Http1 toA = new Http1(a.uri());
                Http1 toB = new Http1(b.uri())) {
            while (running.get()) {
                int k = seq.getAndIncrement();
                if (k >= MAX_EVENTS) {
                    return;
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                String client = (random.nextBoolean() ? "a" : "b") + random.nextInt(STREAMS_PER_REPLICA);
                try {
                    Http1.Answer answer = (random.nextBoolean() ? toA : toB)
                            .send(
                                    "POST",
                                    "/invoke/echo",
                                    Map.of("Content-Type", "application/json"),
                                    ("{\"payload\":\"seq-" + k + "-\",\"client_id\":\"" + client + "\",\"async\":true}")
                                            .getBytes(StandardCharsets.UTF_8));
                    if (answer.status() == 202) {
                        acceptedSeq[k] = true;
                        acceptedAt[k] = System.nanoTime();
                        accepted.incrementAndGet();
                    } else if (answer.status() == 503 || answer.status() == 404) {
                        refused.incrementAndGet(); // Redis away, or the registration not yet re-applied
                    } else {
                        errors.incrementAndGet();
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                Thread.sleep(40);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void syncCalls(
            Rig.Server a, Rig.Server b, AtomicBoolean running, AtomicLong sync, AtomicLong errors) {
        try (Http1 toA = new Http1(a.uri());
                Http1 toB = new Http1(b.uri())) {
            while (running.get()) {
                try {
                    Http1 target = ThreadLocalRandom.current().nextBoolean() ? toA : toB;
                    int status = target.send(Requests.gatewayInvoke(target)).status();
                    if (status == 200) {
                        sync.incrementAndGet();
                    } else if (status != 404 && status != 503) {
                        errors.incrementAndGet();
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void mcpSessions(
            Rig.Server a, Rig.Server b, AtomicBoolean running, AtomicLong sessions, AtomicLong failures) {
        try {
            while (running.get()) {
                try (Http1 http = new Http1((ThreadLocalRandom.current().nextBoolean() ? a : b).uri())) {
                    String session = Requests.initialize(http, "/mcp/tools");
                    Http1.Answer call = http.send(
                            "POST",
                            "/mcp/tools",
                            Requests.mcpHeaders(session),
                            Requests.toolsCall(1).getBytes(StandardCharsets.UTF_8));
                    Http1.Answer deleted = http.send("DELETE", "/mcp/tools", Requests.mcpHeaders(session), null);
                    if (Requests.isToolResult(call) && deleted.status() == 204) {
                        sessions.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the result as the Markdown section kept in {@code docs/benchmarks.md} */
    static String markdown(Result r, String command) {
        StringBuilder md = new StringBuilder("## Soak\n\n");
        md.append(("`%s`, on %s. Two gateway replicas on one Redis for %.1f minutes, %d streams held (half on each), "
                        + "async calls for random streams posted to either replica (~50/s), sync calls (~20/s) and whole MCP "
                        + "sessions (~4/s) throughout; Redis (no persistence) killed and restarted twice, the registrations "
                        + "re-applied after each restart as the operator's resync would. Refusals and failed MCP sessions "
                        + "are the outages' expected cost (a restarted Redis has lost the sessions: their clients get 404 "
                        + "and start again); what must be zero is an accepted event lost or repeated.\n\n")
                .formatted(
                        command,
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                        r.length().toSeconds() / 60.0,
                        r.streams()));
        md.append("| Figure | Value |\n| --- | --- |\n");
        md.append("| Async calls accepted (202) | %,d |\n".formatted(r.accepted()));
        md.append("| Refused while Redis was away or registrations not yet back (503, 404) | %,d |\n"
                .formatted(r.refused()));
        md.append("| **Accepted events lost** | **%,d** |\n".formatted(r.lost()));
        md.append("| Events delivered twice | %,d |\n".formatted(r.duplicated()));
        md.append("| Streams dropped | %d |\n".formatted(r.dropped()));
        md.append("| Other errors (not 2xx, 404 or 503) | %,d |\n".formatted(r.otherErrors()));
        md.append("| Sync calls answered | %,d |\n".formatted(r.syncCalls()));
        md.append("| MCP sessions completed / failed | %,d / %,d |\n\n".formatted(r.mcpSessions(), r.mcpFailures()));
        md.append("Redis restarts: ").append(String.join("; ", r.restarts())).append(".\n\n");
        md.append(
                "Memory over time (PSS, and live heap after a full GC):\n\n| Time | A PSS | A heap | B PSS | B heap |\n"
                        + "| --- | --- | --- | --- | --- |\n");
        r.memory().forEach(line -> md.append(line).append('\n'));
        return md.append('\n').toString();
    }
}
