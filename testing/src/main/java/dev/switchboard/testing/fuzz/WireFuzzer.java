package dev.switchboard.testing.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throws generated hostile requests ({@link WireRequests}) over real sockets at loopback listeners, and
 * checks what comes back: any answer is a readable HTTP/1.1 answer; no 5xx but the documented ones (503
 * with a code, 502/504 from a function, 505 for another HTTP version); every error has a JSON body with a
 * {@code code}; afterwards every listener still serves a normal request; and the server logged no stack
 * trace. Bounded in count and time; case {@code i} is generated from {@code seed} and {@code i} alone, so a
 * run is reproducible whatever the concurrency.
 */
public final class WireFuzzer {
    private static final int HOSTILE_ADDRESSES = 16;
    /**
     * Where the after-run probe comes from: an address the fuzz never used, so it shows what any other client
     * gets, whatever the fuzz left half-open on its own addresses (they are closed at the head timeout).
     */
    private static final InetAddress BYSTANDER = loopback(2);
    /** 5xx codes the API documents (a function's failure, the server being full or its store down). */
    private static final Set<String> DOCUMENTED_5XX = Set.of(
            "EXECUTION_ERROR",
            "TIMEOUT",
            "STATE_UNAVAILABLE",
            "SERVER_FULL",
            "TOO_MANY_INVOCATIONS",
            "FUNCTION_UNAVAILABLE",
            "FUNCTION_BUSY",
            "AUTH_UNAVAILABLE",
            "AUTH_NOT_CONFIGURED",
            "HTTP_VERSION_NOT_SUPPORTED",
            "TOO_MANY_SESSIONS",
            "OVERLOADED");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Sizes of one run.
     *
     * @param seed        the seed (print it: it reproduces the run)
     * @param cases       how many requests at most
     * @param budget      how long at most
     * @param readTimeout how long one answer is waited for
     * @param parallelism connections in flight
     * @param hugeBody    size of a body meant to exceed the server's body limit
     */
    public record Settings(
            long seed, int cases, Duration budget, Duration readTimeout, int parallelism, int hugeBody) {}

    /**
     * The outcome.
     *
     * @param seed     the seed
     * @param sent     requests sent
     * @param statuses answers by status ({@code -1}: nothing arrived)
     * @param failures what broke the rules, one line each
     */
    public record Report(long seed, int sent, Map<Integer, Integer> statuses, List<String> failures) {
        /** @return a one-line summary */
        public String summary() {
            return "wire fuzz seed=" + seed + ": " + sent + " requests, answers by status " + statuses + ", "
                    + failures.size() + " failures";
        }

        /** @throws AssertionError listing the failures (with the seed that reproduces them) */
        public void assertClean() {
            if (!failures.isEmpty()) {
                throw new AssertionError(summary() + " (rerun with this seed to reproduce):\n  "
                        + String.join("\n  ", failures.subList(0, Math.min(40, failures.size()))));
            }
        }
    }

    private WireFuzzer() {}

    /**
     * CI fuzzes with a fixed seed so that a run that lands is a run that can be repeated; a fresh seed
     * ({@code -Dfuzz.seed=random}, or bench's default) explores further.
     *
     * @param fallback the seed to use when {@code fuzz.seed} is not set
     * @return the seed from the system property {@code fuzz.seed} ({@code random} for a fresh one), else the
     *         fallback
     */
    public static long seedFromProperty(long fallback) {
        String value = System.getProperty("fuzz.seed");
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return value.strip().equals("random") ? new Random().nextLong() : Long.parseLong(value.strip());
    }

    /**
     * Runs the fuzz.
     *
     * @param targets  the listeners (loopback)
     * @param settings sizes
     * @param log      the server's log, checked for stack traces at the end
     * @return the report
     * @throws InterruptedException when interrupted
     */
    public static Report run(List<WireTarget> targets, Settings settings, LogWatch log) throws InterruptedException {
        System.out.println("wire fuzz: seed=" + settings.seed() + " (replay: -Dfuzz.seed=" + settings.seed()
                + " for WireFuzzTest, --seed " + settings.seed() + " for bench/run-all --fuzz),"
                + " up to " + settings.cases() + " requests in " + settings.budget());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        AtomicInteger sent = new AtomicInteger();
        long deadline = System.nanoTime() + settings.budget().toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(settings.parallelism());
            for (int i = 0; i < settings.cases() && System.nanoTime() < deadline; i++) {
                inFlight.acquire();
                int index = i;
                pool.submit(() -> {
                    try {
                        // each case's own seed, well mixed: neighbouring seeds share no cases
                        Random random =
                                new Random(new java.util.SplittableRandom(settings.seed() + index * 0x9E3779B97F4A7C15L)
                                        .nextLong());
                        WireTarget target = targets.get(random.nextInt(targets.size()));
                        WireRequest request = new WireRequests(random, settings.hugeBody()).next(target.paths());
                        sent.incrementAndGet();
                        WireAnswer answer = exchange(target.port(), request, settings.readTimeout(), hostile(index));
                        statuses.merge(answer.status(), 1, Integer::sum);
                        String problem = check(answer, request.isHead());
                        if (problem != null) {
                            failures.add("#" + index + " " + target.name() + " [" + request.label() + "] " + problem
                                    + " <- " + request.excerpt());
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add("#" + index + " client error " + e);
                    } finally {
                        inFlight.release();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(
                    settings.budget().toMillis() + settings.readTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        }
        for (WireTarget target : targets) {
            String problem = probe(target, settings.readTimeout().multipliedBy(10));
            if (problem != null) {
                failures.add(target.name() + " listener after the run: " + problem);
            }
        }
        for (String trace : log.stackTraces()) {
            failures.add("stack trace in the log: " + trace);
        }
        Report report = new Report(settings.seed(), sent.get(), Map.copyOf(statuses), List.copyOf(failures));
        System.out.println(report.summary());
        return report;
    }

    /**
     * @param answer what a hostile request got
     * @return what is wrong with it, or null
     */
    public static String check(WireAnswer answer) {
        return check(answer, false);
    }

    /**
     * @param answer what a hostile request got
     * @param head   whether the request was a {@code HEAD}: its answer has no body (RFC 9110 section 9.3.2), so a
     *               refusal without one is right
     * @return what is wrong with it, or null
     */
    public static String check(WireAnswer answer, boolean head) {
        if (answer.problem() != null) {
            return answer.problem();
        }
        if (answer.silent() || answer.status() < 400 || (head && answer.body().length == 0)) {
            return null;
        }
        String code = errorCode(answer);
        if (code == null) {
            return answer.status() + " without a JSON error body with a code: "
                    + (answer.body().length == 0 ? "(empty)" : abbreviate(answer.text()));
        }
        if (answer.status() >= 500 && !DOCUMENTED_5XX.contains(code)) {
            return answer.status() + " " + code + ": " + abbreviate(answer.text());
        }
        return null;
    }

    /** @return the error's {@code code} (a JSON-RPC error's numeric code as text), or null */
    private static String errorCode(WireAnswer answer) {
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            if (body == null || !body.isObject()) {
                return null;
            }
            if (body.path("code").isTextual() && !body.path("code").asText().isEmpty()) {
                return body.path("code").asText();
            }
            JsonNode rpc = body.path("error").path("code");
            return rpc.isIntegralNumber() ? rpc.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String probe(WireTarget target, Duration timeout) {
        try {
            WireAnswer answer = exchange(
                    target.port(),
                    new WireRequest(
                            target.probe().getBytes(StandardCharsets.ISO_8859_1), 1, WireRequest.Ending.WAIT, "probe"),
                    timeout,
                    BYSTANDER);
            return answer.status() == target.probeStatus()
                    ? null
                    : "a normal request got "
                            + (answer.silent()
                                    ? "no answer"
                                    : answer.head().lines().findFirst().orElse(""));
        } catch (IOException e) {
            return "a normal request failed: " + e;
        }
    }

    /**
     * The hostile requests come from a few loopback addresses, as several clients would: from one, the
     * per-address caps ({@code MAX_PENDING_HEADS_PER_IP}, on heads left incomplete) would refuse many of them
     * before any parser sees them.
     */
    private static InetAddress hostile(int index) {
        return loopback(10 + index % HOSTILE_ADDRESSES);
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WireAnswer exchange(int port, WireRequest request, Duration timeout, InetAddress source)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, source, 0)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                byte[] bytes = request.bytes();
                for (int piece = 0; piece < request.pieces(); piece++) {
                    int from = (int) ((long) bytes.length * piece / request.pieces());
                    int to = (int) ((long) bytes.length * (piece + 1) / request.pieces());
                    out.write(bytes, from, to - from);
                    out.flush();
                    if (piece + 1 < request.pieces()) {
                        Thread.sleep(1);
                    }
                }
            } catch (IOException e) {
                // the server may refuse early (a huge head) and close: its answer may still be there to read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            switch (request.ending()) {
                case RESET -> {
                    socket.setSoLinger(true, 0);
                    return new WireAnswer(-1, "", Map.of(), new byte[0], null);
                }
                case HALF_CLOSE -> {
                    if (!socket.isOutputShutdown()) {
                        try {
                            socket.shutdownOutput();
                        } catch (IOException e) {
                            // already reset by the server
                        }
                    }
                }
                case WAIT -> {}
            }
            try {
                return WireAnswer.read(socket.getInputStream());
            } catch (java.net.SocketException e) {
                return new WireAnswer(-1, "", Map.of(), new byte[0], null);
            }
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replace("\r", "\\r").replace("\n", "\\n");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
