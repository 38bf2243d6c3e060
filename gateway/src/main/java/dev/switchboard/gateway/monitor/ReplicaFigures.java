package dev.switchboard.gateway.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.api.AdminStatusService;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionHealth;
import dev.switchboard.gateway.metrics.FunctionStats;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.metrics.RecentProblems;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.RedisKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This replica's figures for the monitoring page, sampled every {@code MONITOR_INTERVAL} on the housekeeping
 * thread and written to the state store ({@link StateStore#snapshots()}) for whichever replica serves the page.
 * Everything here is read from memory; the only Redis work is the one write, plus one read per MCP session
 * when a stream for it first appears here (to learn its server).
 */
public final class ReplicaFigures {
    /** Length of the connections and events history. */
    public static final Duration HISTORY = Duration.ofMinutes(5);
    /** Window of the function figures (calls/s, latency, error rate). */
    public static final Duration FUNCTION_WINDOW = Duration.ofMinutes(1);
    /** Topics and problems sent per replica: the page shows the busiest and the newest. */
    static final int MAX_TOPICS = 50;

    static final int MAX_PROBLEMS = 20;

    private final Parts parts;
    private final Clock clock;
    private final Duration interval;
    private final Instant started;
    private final int historyPoints;
    private final int windowSamples;
    private final Deque<ArrayNode> history = new ArrayDeque<>();
    /** Function totals at each past sample, oldest first: the window is the newest minus the oldest. */
    private final Deque<Map<String, FunctionStats.Totals>> functionSamples = new ArrayDeque<>();

    private long lastEvents;
    private long lastSampleNanos;
    private int lastCount;
    private long lastCalls;
    /** Whether the last sample found what the one before it found: nothing to wake for until a change. */
    private boolean quiet;
    /** Whether the samples stopped after a quiet one ({@link #rest}); the missed ones are filled in when asked. */
    private volatile boolean resting;
    /** MCP session to its server, for sessions with a stream here (a session's server never changes). */
    private final Map<String, String> sessionServers = new HashMap<>();

    private volatile String latest;
    /** When the last sample was taken; its JSON ({@link #latest}) is written when first asked for. */
    private Instant sampledAt;

    /**
     * What the figures are read from.
     *
     * @param replicaId         this replica
     * @param hub               its streams
     * @param catalog           registrations
     * @param health            health checks
     * @param metrics           meters, recent problems, function totals
     * @param state             the state store (its kind, MCP sessions' servers)
     * @param fleetSessions     MCP sessions open in the fleet (counted in the background)
     * @param directoryRefreshed when this replica last refreshed its connection directory entry
     * @param draining          whether it is stopping
     */
    public record Parts(
            String replicaId,
            StreamHub hub,
            FunctionCatalog catalog,
            FunctionHealth health,
            GatewayMetrics metrics,
            StateStore state,
            LongSupplier fleetSessions,
            Supplier<Instant> directoryRefreshed,
            BooleanSupplier draining) {}

    /**
     * @param parts    what to read
     * @param clock    time source
     * @param interval time between samples
     */
    public ReplicaFigures(Parts parts, Clock clock, Duration interval) {
        this.parts = parts;
        this.clock = clock;
        this.interval = interval;
        this.started = clock.instant();
        this.historyPoints = (int) Math.max(2, Math.min(600, HISTORY.toMillis() / interval.toMillis()));
        this.windowSamples = (int) Math.max(2, Math.min(600, FUNCTION_WINDOW.toMillis() / interval.toMillis() + 1));
        this.lastEvents = parts.metrics().eventsSentTotal();
        this.lastSampleNanos = System.nanoTime();
    }

    /**
     * Takes a sample (housekeeping thread only); its JSON is written by the first {@link #latest()} after it (an idle
     * single replica with no page open writes none: measured, the JSON was most of an idle gateway's housekeeping).
     */
    public synchronized void sample() {
        Instant now = clock.instant();
        long nanos = System.nanoTime();
        long events = parts.metrics().eventsSentTotal();
        int count = parts.hub().count();
        long calls = parts.metrics().functionStats().callsTotal();
        quiet = !history.isEmpty() && count == lastCount && events == lastEvents && calls == lastCalls;
        lastCount = count;
        lastCalls = calls;
        double seconds = Math.max(0.001, (nanos - lastSampleNanos) / 1e9);
        // [time, connections, events/s], compact: up to 600 points per snapshot; the time is aligned to the
        // interval, so that replicas' points add up at the same instants
        ArrayNode point = Json.MAPPER.createArrayNode();
        point.add(now.toEpochMilli() / interval.toMillis() * interval.toMillis());
        point.add(count);
        point.add(Math.round((events - lastEvents) / seconds * 10) / 10.0);
        lastEvents = events;
        lastSampleNanos = nanos;
        history.addLast(point);
        while (history.size() > historyPoints) {
            history.removeFirst();
        }
        functionSamples.addLast(parts.metrics().functionStats().totals());
        while (functionSamples.size() > windowSamples) {
            functionSamples.removeFirst();
        }
        sampledAt = now;
        latest = null;
    }

    /**
     * Stops the samples if the last one found nothing new: until {@link #resume}, the points they would have added
     * (the same streams, no events, no calls) are filled in when the figures are read.
     *
     * @return whether it rests (else the samples must go on)
     */
    public synchronized boolean rest() {
        resting = quiet;
        return resting;
    }

    /** @return whether what the samples read changed since the last one (cheap: three counters) */
    public boolean changedSinceSample() {
        long events = parts.metrics().eventsSentTotal();
        int count = parts.hub().count();
        long calls = parts.metrics().functionStats().callsTotal();
        synchronized (this) {
            return count != lastCount || events != lastEvents || calls != lastCalls;
        }
    }

    /** Fills in the points missed while resting, before the samples go on: the next one counts from the last. */
    public synchronized void resume() {
        catchUp();
        resting = false;
    }

    /**
     * Adds a point for each interval that passed since the last sample, as the sample would have found it: while
     * resting nothing it reads has changed. The next sample's events/s then counts from the last point filled in.
     */
    private void catchUp() {
        long intervalNanos = interval.toNanos();
        long missed = (System.nanoTime() - lastSampleNanos) / intervalNanos;
        if (missed <= 0 || history.isEmpty()) {
            return;
        }
        long lastTime = history.peekLast().get(0).asLong();
        for (long i = Math.max(1, missed - historyPoints + 1); i <= missed; i++) {
            ArrayNode point = Json.MAPPER.createArrayNode();
            point.add(lastTime + i * interval.toMillis());
            point.add(lastCount);
            point.add(0.0);
            history.addLast(point);
        }
        while (history.size() > historyPoints) {
            history.removeFirst();
        }
        Map<String, FunctionStats.Totals> totals = functionSamples.peekLast();
        for (long i = totals == null ? 0 : Math.min(missed, windowSamples); i > 0; i--) {
            functionSamples.addLast(totals);
        }
        while (functionSamples.size() > windowSamples) {
            functionSamples.removeFirst();
        }
        lastSampleNanos += missed * intervalNanos;
        sampledAt = sampledAt.plusNanos(missed * intervalNanos);
        latest = null;
    }

    /** @return the last sample (JSON), or a fresh one when none was taken yet */
    public String latest() {
        String json = latest;
        if (json != null && !resting) {
            return json;
        }
        synchronized (this) {
            if (resting) {
                catchUp();
            }
            if (latest == null) {
                if (sampledAt == null) {
                    sample();
                }
                latest = Json.write(snapshot(sampledAt));
            }
            return latest;
        }
    }

    /** @return the sampling interval */
    public Duration interval() {
        return interval;
    }

    private ObjectNode snapshot(Instant now) {
        ObjectNode json = Json.object();
        json.put("replica", parts.replicaId());
        json.put("at", now.toEpochMilli());
        json.put("version", AdminStatusService.VERSION);
        json.put("store", parts.state().kind());
        json.put("draining", parts.draining().getAsBoolean());
        json.put("uptime_ms", Duration.between(started, now).toMillis());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        json.put("heap_used", heap.getUsed());
        json.put("heap_max", heap.getMax());
        json.put("streams", parts.hub().count());
        json.put("connections_opened", parts.metrics().connectionsOpenedTotal());
        Instant heartbeat = parts.directoryRefreshed().get();
        if (heartbeat != null) {
            json.put("directory_heartbeat", heartbeat.toEpochMilli());
        }
        json.put("fleet_mcp_sessions", parts.fleetSessions().getAsLong());
        Map<String, Integer> servers = mcpSessionsByServer();
        json.put(
                "mcp_sessions",
                servers.values().stream().mapToInt(Integer::intValue).sum());
        ObjectNode byServer = json.putObject("mcp_sessions_by_server");
        servers.forEach(byServer::put);
        ArrayNode points = json.putArray("history");
        history.forEach(points::add);
        functions(json.putObject("functions"));
        ObjectNode topics = json.putObject("topics");
        parts.hub().topicSubscribers().entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(MAX_TOPICS)
                .forEach(t -> topics.put(t.getKey().substring(RedisKeys.TOPIC_LOG_PREFIX.length()), t.getValue()));
        ArrayNode problems = json.putArray("problems");
        for (RecentProblems.Problem p : parts.metrics().problems().newest(MAX_PROBLEMS)) {
            problems.addObject()
                    .put("at", p.at().toEpochMilli())
                    .put("code", p.code())
                    .put("status", p.status())
                    .put("where", p.where());
        }
        return json;
    }

    /** Sessions holding a stream here, by server: the server is read once per session and remembered. */
    private Map<String, Integer> mcpSessionsByServer() {
        Set<String> held = new HashSet<>();
        for (SseStream stream : parts.hub().all()) {
            // an MCP stream follows the log mcp:<session>:<stream>
            String log = stream.clientId();
            int end = log.indexOf(':', RedisKeys.MCP_LOG_PREFIX.length());
            if (log.startsWith(RedisKeys.MCP_LOG_PREFIX) && end > 0 && !stream.isClosed()) {
                held.add(log.substring(RedisKeys.MCP_LOG_PREFIX.length(), end));
            }
        }
        sessionServers.keySet().retainAll(held);
        Map<String, Integer> byServer = new TreeMap<>();
        for (String session : held) {
            String server = sessionServers.get(session);
            if (server == null) {
                try {
                    server = parts.state()
                            .mcpSessions()
                            .find(session)
                            .map(McpSession::function)
                            .orElse(null);
                } catch (RuntimeException e) {
                    server = null; // the store is away: counted on a later sample
                }
                if (server == null) {
                    continue;
                }
                sessionServers.put(session, server);
            }
            byServer.merge(server, 1, Integer::sum);
        }
        return byServer;
    }

    private void functions(ObjectNode out) {
        Map<String, FunctionStats.Totals> newest = functionSamples.peekLast();
        Map<String, FunctionStats.Totals> oldest = functionSamples.peekFirst();
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        parts.catalog().list().stream()
                .sorted(Comparator.comparing(FunctionRegistration::name))
                .forEach(fn -> {
                    ObjectNode f = Json.object();
                    f.put("kind", fn.kind().wireName());
                    FunctionHealth.Status status = parts.health().status(fn.name());
                    f.put("health", status.name().toLowerCase(java.util.Locale.ROOT));
                    parts.health().lastCheck(fn.name()).ifPresent(at -> f.put("last_check", at.toEpochMilli()));
                    byName.put(fn.name(), f);
                });
        long windowMillis = (long) (functionSamples.size() - 1) * interval.toMillis();
        if (newest != null && oldest != null) {
            newest.forEach((name, totals) -> {
                FunctionStats.Totals window = totals.since(oldest.getOrDefault(name, FunctionStats.Totals.NONE));
                ObjectNode f = byName.get(name);
                if (f == null) {
                    if (window.calls() == 0) {
                        return; // removed, and quiet for a window
                    }
                    f = Json.object();
                    f.put("kind", "removed");
                    byName.put(name, f);
                }
                f.put("calls", window.calls());
                f.put("failures", window.failures());
                ArrayNode buckets = f.putArray("buckets");
                for (long b : window.buckets()) {
                    buckets.add(b);
                }
            });
        }
        out.put("window_ms", windowMillis);
        ObjectNode list = out.putObject("list");
        byName.forEach(list::set);
    }
}
