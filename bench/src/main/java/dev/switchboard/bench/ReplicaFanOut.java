package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Topic scenario 7.3: the same subscribers spread over 1, 2 or 4 replicas on one Redis, each topic's
 * subscribers all on one replica (topic t on replica {@code t % R}), events published on the first
 * replica and spread over the topics. Each replica's count of events it received from the fan-out is read
 * from its {@code /metrics} before and after ({@link #RECEIVED_METRIC}); with fan-out routed to the
 * replicas that hold subscribers, a fleet receives each event about once whatever its size, where a
 * broadcast makes every replica receive every event.
 */
final class ReplicaFanOut {
    /**
     * The counter of events a replica received from the fan-out (all series summed). Built beside this
     * scenario on another branch: the name is adjusted here when they meet; absent, the scenario still runs
     * and reports the count as unavailable.
     */
    static final String RECEIVED_METRIC = "switchboard_fanout_received_total";

    private static final Duration LIMIT = Duration.ofSeconds(120);

    /**
     * @param received per replica, events received during the publishing (null: the metric is absent)
     */
    record Result(
            int replicas,
            int topics,
            int perTopic,
            int events,
            List<Long> received,
            long delivered,
            long expected,
            int dropped) {
        /** @return received over published, summed over the fleet; NaN when unavailable */
        double fleetPerEvent() {
            return received == null
                    ? Double.NaN
                    : received.stream().mapToLong(Long::longValue).sum() / (double) events;
        }

        /** @return the most any one replica received per published event; NaN when unavailable */
        double maxPerReplicaPerEvent() {
            return received == null
                    ? Double.NaN
                    : received.stream().mapToLong(Long::longValue).max().orElse(0) / (double) events;
        }
    }

    private ReplicaFanOut() {}

    /**
     * @param fleet   the replicas, all on one Redis, the first being where events are published
     * @param topics  topics (at least as many as replicas, so that each replica holds some)
     * @param events  events to publish, round robin over the topics
     */
    static Result run(List<Rig.Server> fleet, int topics, int perTopic, int events)
            throws IOException, InterruptedException {
        int replicas = fleet.size();
        List<SseHerd> herds = new ArrayList<>();
        List<SseHerd.Sequence> sequences = new ArrayList<>();
        try (Http1 publisher = new Http1(TopicFanOut.gateway().publishUri(fleet.getFirst()))) {
            for (int r = 0; r < replicas; r++) {
                // herd r holds the subscribers of topics r, r + R, ...: subscriber j of it follows topic r + (j % its
                // topics) * R
                int mine = (topics - r + replicas - 1) / replicas;
                int replica = r;
                SseHerd herd = new SseHerd(
                        "127.0.0.1",
                        fleet.get(r).streamPort(),
                        j -> TopicFanOut.gateway().path(j, TopicFanOut.topic(replica + (j % mine) * replicas)),
                        Map.of("Accept", "text/event-stream"),
                        r);
                herds.add(herd);
                herd.open(mine * perTopic, Duration.ofSeconds(Math.max(30, mine * perTopic / 200)));
                TopicFanOut.settle(herd, mine * perTopic);
                sequences.add(herd.sequence(events));
            }
            List<Long> before = received(fleet);
            TopicFanOut.Target gateway = TopicFanOut.gateway();
            long expected = (long) events * perTopic;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            for (int k = 0; k < events; k++) {
                gateway.publish(publisher, TopicFanOut.topic(k % topics), SseHerd.Sequence.stamped(k));
            }
            while (delivered(sequences) < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<Long> after = received(fleet);
            List<Long> counted = null;
            if (after.stream().anyMatch(java.util.Objects::nonNull)) {
                // a counter made at its first increment is absent until then: absent counts as 0
                counted = new ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    counted.add(orZero(after.get(r)) - orZero(before.get(r)));
                }
            }
            return new Result(
                    replicas,
                    topics,
                    perTopic,
                    events,
                    counted,
                    delivered(sequences),
                    expected,
                    herds.stream().mapToInt(SseHerd::closed).sum());
        } finally {
            for (SseHerd herd : herds) {
                herd.close();
            }
        }
    }

    private static long delivered(List<SseHerd.Sequence> sequences) {
        return sequences.stream().mapToLong(s -> s.delivered.get()).sum();
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    /** @return each replica's {@link #RECEIVED_METRIC}, null for a replica that does not export it */
    private static List<Long> received(List<Rig.Server> fleet) throws IOException {
        List<Long> counts = new ArrayList<>();
        for (Rig.Server replica : fleet) {
            counts.add(metric(replica, RECEIVED_METRIC));
        }
        return counts;
    }

    /** @return a gateway's meter read from its {@code /metrics} ({@link #sum}), null when it does not export it */
    static Long metric(Rig.Server gateway, String metric) throws IOException {
        try (Http1 http = new Http1(gateway.adminUri())) {
            Http1.Answer a = http.send("GET", "/metrics", Map.of(), null);
            return a.status() == 200 ? sum(a.text(), metric) : null;
        }
    }

    /** @return the sum of a metric's series in Prometheus text, or null when it has none */
    static Long sum(String exposition, String metric) {
        Long total = null;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                String value = line.substring(line.lastIndexOf(' ') + 1).trim();
                total = (total == null ? 0 : total) + (long) Double.parseDouble(value);
            }
        }
        return total;
    }
}
