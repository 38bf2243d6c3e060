package dev.switchboard.gateway.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.FunctionStats;
import dev.switchboard.gateway.state.FleetSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fleet as the monitoring page shows it: every live replica's snapshot, merged into fleet-wide figures.
 * Read at most once per interval however many pages are open (one HGETALL on Redis); when the store is away,
 * this replica's own figures are shown with the store's error.
 */
public final class FleetView {
    private static final Logger LOGGER = Logger.getLogger(FleetView.class.getName());
    private static final int MAX_PROBLEMS = 30;

    private final FleetSnapshots snapshots;
    private final ReplicaFigures local;
    private final String replicaId;
    private final Clock clock;
    private final Duration maxAge;
    private String cached;
    private long cachedAtNanos;

    /**
     * @param snapshots where replicas' snapshots are
     * @param local     this replica's figures
     * @param replicaId this replica
     * @param clock     time source
     */
    public FleetView(FleetSnapshots snapshots, ReplicaFigures local, String replicaId, Clock clock) {
        this.snapshots = snapshots;
        this.local = local;
        this.replicaId = replicaId;
        this.clock = clock;
        // a replica that missed three writes (and 10 s at least) is taken as gone
        Duration threeWrites = local.interval().multipliedBy(3);
        this.maxAge = threeWrites.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : threeWrites;
    }

    /** @return time between updates */
    public Duration interval() {
        return local.interval();
    }

    /** @return how long a snapshot counts as live */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return the fleet's figures (JSON), at most one interval old */
    public synchronized String current() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAtNanos >= local.interval().toNanos() - 50_000_000L) {
            cached = Json.write(build());
            cachedAtNanos = now;
        }
        return cached;
    }

    private ObjectNode build() {
        Map<String, String> all;
        String storeError = null;
        try {
            all = new TreeMap<>(snapshots.fresh(maxAge));
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "monitoring snapshots unreadable", e);
            storeError = "the state store is unavailable: showing this replica only (" + e.getMessage() + ")";
            all = new TreeMap<>();
        }
        // this replica's own figures are always the newest ones
        all.put(replicaId, local.latest());
        List<JsonNode> replicas = new ArrayList<>();
        for (String json : all.values()) {
            try {
                replicas.add(Json.MAPPER.readTree(json));
            } catch (java.io.IOException e) {
                LOGGER.fine("ignored an unreadable monitoring snapshot");
            }
        }
        return merge(replicas, storeError);
    }

    private ObjectNode merge(List<JsonNode> replicas, String storeError) {
        ObjectNode out = Json.object();
        out.put("served_by", replicaId);
        out.put("at", clock.millis());
        out.put("interval_ms", local.interval().toMillis());
        if (storeError != null) {
            out.put("store_error", storeError);
        }
        ArrayNode fleet = out.putArray("replicas");
        long streams = 0;
        long sessions = 0;
        long fleetSessions = 0;
        Map<Long, double[]> history = new TreeMap<>();
        Map<String, ObjectNode> functions = new TreeMap<>();
        Map<String, FunctionStats.Totals> functionTotals = new TreeMap<>();
        Map<String, Long> servers = new TreeMap<>();
        Map<String, Long> topics = new TreeMap<>();
        List<ObjectNode> problems = new ArrayList<>();
        long windowMs = 0;
        for (JsonNode r : replicas) {
            String replica = r.path("replica").asText();
            ObjectNode row = fleet.addObject();
            for (String field : List.of(
                    "replica",
                    "store",
                    "draining",
                    "version",
                    "uptime_ms",
                    "heap_used",
                    "heap_max",
                    "streams",
                    "mcp_sessions",
                    "directory_heartbeat",
                    "at")) {
                if (r.has(field)) {
                    row.set(field, r.get(field));
                }
            }
            streams += r.path("streams").asLong();
            sessions += r.path("mcp_sessions").asLong();
            fleetSessions = Math.max(fleetSessions, r.path("fleet_mcp_sessions").asLong());
            for (JsonNode p : r.path("history")) {
                double[] sum = history.computeIfAbsent(p.path(0).asLong(), t -> new double[2]);
                sum[0] += p.path(1).asDouble();
                sum[1] += p.path(2).asDouble();
            }
            JsonNode fns = r.path("functions");
            windowMs = Math.max(windowMs, fns.path("window_ms").asLong());
            fns.path("list")
                    .fields()
                    .forEachRemaining(e -> mergeFunction(functions, functionTotals, replica, e.getKey(), e.getValue()));
            r.path("mcp_sessions_by_server")
                    .fields()
                    .forEachRemaining(
                            e -> servers.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            r.path("topics")
                    .fields()
                    .forEachRemaining(e -> topics.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            for (JsonNode p : r.path("problems")) {
                ObjectNode problem = ((ObjectNode) p).deepCopy();
                problem.put("replica", replica);
                problems.add(problem);
            }
        }
        ObjectNode totals = out.putObject("totals");
        totals.put("replicas", replicas.size());
        totals.put("streams", streams);
        totals.put("mcp_sessions_with_streams", sessions);
        // the fleet count is taken every 10 s; a session holding a stream is open whatever it said
        totals.put("mcp_sessions", Math.max(fleetSessions, sessions));
        ArrayNode points = out.putArray("history");
        history.forEach((t, sum) -> points.addObject()
                .put("t", t)
                .put("connections", (long) sum[0])
                .put("events_per_second", Math.round(sum[1] * 10) / 10.0));
        double windowSeconds = Math.max(1, windowMs / 1000.0);
        ArrayNode fnList = out.putArray("functions");
        functions.forEach((name, f) -> {
            FunctionStats.Totals t = functionTotals.getOrDefault(name, FunctionStats.Totals.NONE);
            f.put("name", name);
            f.put("calls_per_second", Math.round(t.calls() / windowSeconds * 100) / 100.0);
            f.put("calls", t.calls());
            if (t.calls() > 0) {
                f.put("error_rate", Math.round(10_000.0 * t.failures() / t.calls()) / 10_000.0);
                f.put("p50_ms", t.quantileMillis(0.5));
                f.put("p99_ms", t.quantileMillis(0.99));
            }
            fnList.add(f);
        });
        out.put("function_window_ms", windowMs);
        ObjectNode byServer = out.putObject("mcp_sessions_by_server");
        servers.forEach(byServer::put);
        ArrayNode topicList = out.putArray("topics");
        topics.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(ReplicaFigures.MAX_TOPICS)
                .forEach(e -> topicList.addObject().put("topic", e.getKey()).put("subscribers", e.getValue()));
        ArrayNode problemList = out.putArray("problems");
        problems.stream()
                .sorted(Comparator.comparingLong((ObjectNode p) -> p.path("at").asLong())
                        .reversed())
                .limit(MAX_PROBLEMS)
                .forEach(problemList::add);
        return out;
    }

    /** A function's health is the worst any replica sees; its calls add up over the replicas. */
    private static void mergeFunction(
            Map<String, ObjectNode> functions,
            Map<String, FunctionStats.Totals> totals,
            String replica,
            String name,
            JsonNode f) {
        ObjectNode merged = functions.computeIfAbsent(name, n -> {
            ObjectNode fresh = Json.object();
            fresh.put("kind", f.path("kind").asText());
            fresh.put("health", "unchecked");
            fresh.putArray("unhealthy_on");
            return fresh;
        });
        if ("removed".equals(merged.path("kind").asText())
                && !"removed".equals(f.path("kind").asText())) {
            merged.put("kind", f.path("kind").asText());
        }
        String health = f.path("health").asText("unchecked");
        if ("unhealthy".equals(health)) {
            merged.put("health", "unhealthy");
            ((ArrayNode) merged.get("unhealthy_on")).add(replica);
        } else if ("healthy".equals(health)
                && !"unhealthy".equals(merged.path("health").asText())) {
            merged.put("health", "healthy");
        }
        if (f.has("last_check")) {
            merged.put(
                    "last_check",
                    Math.max(
                            merged.path("last_check").asLong(),
                            f.path("last_check").asLong()));
        }
        if (f.has("calls")) {
            long[] buckets = new long[f.path("buckets").size()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = f.path("buckets").get(i).asLong();
            }
            totals.merge(
                    name,
                    new FunctionStats.Totals(
                            f.path("calls").asLong(), f.path("failures").asLong(), buckets),
                    FunctionStats.Totals::plus);
        }
    }
}
