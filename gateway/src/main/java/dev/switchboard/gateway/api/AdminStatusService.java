package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.ListenerChecks;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ConnectionInfo;
import dev.switchboard.gateway.state.ConnectionJson;
import dev.switchboard.gateway.state.StateStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The admin listener's read-only views: {@code /admin/connections}, {@code /admin/health},
 * {@code /health/live}, {@code /health/ready} and {@code /metrics}.
 */
public final class AdminStatusService implements HttpService {
    /** The version printed by health answers. */
    public static final String VERSION = "0.1.0";

    private final StateStore state;
    private final StreamHub hub;
    private final FunctionCatalog catalog;
    private final GatewayMetrics metrics;
    private final String replicaId;
    private final BooleanSupplier draining;
    private final ListenerChecks listeners;
    private final Clock clock;
    private final Instant started;

    /**
     * @param state     state store
     * @param hub       this replica's streams
     * @param catalog   registrations
     * @param metrics   meters
     * @param replicaId this replica
     * @param draining  true once the gateway is stopping (readiness turns false)
     * @param listeners whether each listener still accepts (liveness and readiness turn false when one does not)
     * @param clock     time source
     */
    public AdminStatusService(
            StateStore state,
            StreamHub hub,
            FunctionCatalog catalog,
            GatewayMetrics metrics,
            String replicaId,
            BooleanSupplier draining,
            ListenerChecks listeners,
            Clock clock) {
        this.listeners = listeners;
        this.state = state;
        this.hub = hub;
        this.catalog = catalog;
        this.metrics = metrics;
        this.replicaId = replicaId;
        this.draining = draining;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/connections", this::connections)
                .get("/admin/health", this::health)
                .get("/health/live", this::live)
                .get("/health/ready", this::ready)
                .get("/metrics", this::metrics);
        // each is read-only: another method is 405 with Allow, as on every route (docs/API.md section 8)
        for (String path :
                List.of("/admin/connections", "/admin/health", "/health/live", "/health/ready", "/metrics")) {
            rules.any(path, ErrorHandling.methodNotAllowed("GET"));
        }
    }

    private void connections(ServerRequest req, ServerResponse res) {
        List<ConnectionInfo> all = state.connections().list();
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("replica", replicaId);
        body.put("count", all.size());
        ArrayNode list = body.putArray("connections");
        Map<String, Integer> byReplica = new TreeMap<>();
        for (ConnectionInfo c : all) {
            list.add(ConnectionJson.toJson(c));
            byReplica.merge(c.replica(), 1, Integer::sum);
        }
        ObjectNode stats = body.putObject("stats");
        stats.put("total", all.size());
        stats.put("local", hub.count());
        ObjectNode replicas = stats.putObject("by_replica");
        byReplica.forEach(replicas::put);
        Json.send(res, Status.OK_200, body);
    }

    private void health(ServerRequest req, ServerResponse res) {
        StateStore.StoreHealth store = state.health();
        boolean healthy = store.up() && !draining.getAsBoolean();
        ObjectNode body = Json.object();
        body.put("status", healthy ? "healthy" : "unhealthy");
        body.put("timestamp", clock.instant().getEpochSecond());
        body.put("uptime_ms", Duration.between(started, clock.instant()).toMillis());
        body.put("version", VERSION);
        body.put("replica", replicaId);
        body.put("draining", draining.getAsBoolean());
        body.put("active_connections", hub.count());
        body.put("registered_functions", catalog.size());
        ObjectNode storeJson = body.putObject("state_store");
        storeJson.put("kind", state.kind());
        storeJson.put("status", store.up() ? "up" : "down");
        storeJson.put("detail", store.detail());
        Json.send(res, healthy ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    /** Live while every listener accepts: a listener that died does not come back, a restart is due. */
    private void live(ServerRequest req, ServerResponse res) {
        boolean live = listeners.allAccepting();
        ObjectNode body = Json.object();
        body.put("status", live ? "UP" : "DOWN");
        listenerChecks(body.putObject("checks"));
        Json.send(res, live ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean storeUp = state.health().up();
        boolean ready = storeUp && !draining.getAsBoolean() && listeners.allAccepting();
        ObjectNode body = Json.object();
        body.put("status", ready ? "UP" : "DOWN");
        ObjectNode checks = body.putObject("checks");
        checks.put("state_store", storeUp ? "UP" : "DOWN");
        checks.put("accepting", draining.getAsBoolean() ? "DOWN" : "UP");
        listenerChecks(checks);
        Json.send(res, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private void listenerChecks(ObjectNode checks) {
        listeners.states().forEach((name, state) -> checks.put("listener_" + name, state.name()));
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(metrics.scrape());
    }
}
