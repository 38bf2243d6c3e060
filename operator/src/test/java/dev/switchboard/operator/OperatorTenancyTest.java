package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.operator.model.GatewayRef;
import dev.switchboard.operator.model.RedisSpec;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import dev.switchboard.operator.testing.Edits;
import dev.switchboard.operator.testing.OperatorProcess;
import dev.switchboard.operator.testing.TestApiServer;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisFunctionStore;
import dev.switchboard.registry.RegistrationOwner;
import dev.switchboard.registry.RegistrationValidator;
import dev.switchboard.testing.TestRedis;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator as Kubernetes runs it: {@link OperatorMain} in a JVM of its own, configured by its environment only
 * (JOSDK's production settings, server-side apply on; the sweep every second), against fabric8's mock API server
 * over HTTP ({@link TestApiServer}: the mock with the smallest faithful server-side apply added) and two real Redis
 * servers: two teams' namespaces share the first.
 */
class OperatorTenancyTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /**
     * The sweep runs every second here: "within seconds" is a few sweeps, with room for a machine shared by
     * several builds (a move also opens the first connection to the new gateway's Redis).
     */
    private static final Duration SWEPT = Duration.ofSeconds(15);

    private static TestApiServer api;
    private static KubernetesClient client;
    private static TestRedis shared;
    private static TestRedis second;
    private static RedisConnections connections;
    private static FunctionStore store;
    private static Process operator;
    private static java.nio.file.Path operatorLog;

    @BeforeAll
    static void start() throws Exception {
        shared = TestRedis.startPrivate();
        second = TestRedis.startPrivate();
        connections = RedisConnections.connect(shared.url(), Duration.ofSeconds(2));
        store = new RedisFunctionStore(connections, java.time.Clock.systemUTC());
        api = TestApiServer.start();
        client = api.client();
        operatorLog = java.nio.file.Files.createTempFile("operator-tenancy", ".err");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        operator = OperatorProcess.start(
                client.getMasterUrl().toString(),
                Map.of("OPERATOR_PORT", String.valueOf(port), "SWEEP_INTERVAL", "1s"),
                operatorLog);
        // started: every informer synced and watching (its liveness); a loaded machine needs a while for a new JVM
        await().atMost(Duration.ofSeconds(180)).until(() -> healthz(port) == 200);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.destroy(); // SIGTERM, as the kubelet stops it
            try {
                if (!operator.waitFor(OperatorMain.STOP_TIMEOUT_SECONDS + 5, java.util.concurrent.TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                operator.destroyForcibly();
            }
        }
        api.close();
        connections.close();
        shared.close();
        second.close();
    }

    @Test
    void teamsShareARedisWithoutMeetingAndNothingOutlivesItsResource() {
        for (String ns : List.of("team-a", "team-b")) {
            client.resource(gateway(ns, "gw", shared.url())).create();
            client.resource(function(ns, "search", "gw", "http://search." + ns + ".example/"))
                    .create();
        }
        client.resource(gateway("team-a", "gw-2", second.url())).create();
        ServerlessFunction a = awaitReady("team-a", "search");
        ServerlessFunction b = awaitReady("team-b", "search");

        // same-named functions coexist, each in its namespace, each recording its owner
        assertThat(registration("team-a", "search").orElseThrow().endpoint())
                .hasToString("http://search.team-a.example/");
        assertThat(registration("team-b", "search").orElseThrow().owner())
                .contains(new RegistrationOwner(b.getMetadata().getUid(), "gw"));
        assertThat(store.get("search")).isEmpty();
        // each gateway serves its own namespace only (the gateway's side: RedisGatewayTest)
        for (String ns : List.of("team-a", "team-b")) {
            assertThat(await().atMost(SETTLE)
                            .until(
                                    () -> client.configMaps()
                                            .inNamespace(ns)
                                            .withName("gw-config")
                                            .get(),
                                    c -> c != null)
                            .getData())
                    .containsEntry("GATEWAY_NAMESPACE", ns);
        }

        // deleting one leaves the other
        client.resources(ServerlessFunction.class)
                .inNamespace("team-b")
                .withName("search")
                .delete();
        await().atMost(SETTLE).until(() -> registration("team-b", "search").isEmpty());
        assertThat(registration("team-a", "search")).isPresent();

        // moving a function to another gateway removes it from the old Redis within seconds
        Edits.edit(
                client.resources(ServerlessFunction.class).inNamespace("team-a").withName("search"), f -> {
                    f.getSpec().setGatewayRef(new GatewayRef("gw-2"));
                    return f;
                });
        await().atMost(SWEPT).until(() -> registration("team-a", "search").isEmpty());
        try (RedisConnections other = RedisConnections.connect(second.url(), Duration.ofSeconds(2))) {
            assertThat(new RedisFunctionStore(other, java.time.Clock.systemUTC())
                            .inNamespace("team-a")
                            .get("search")
                            .orElseThrow()
                            .owner())
                    .contains(new RegistrationOwner(a.getMetadata().getUid(), "gw-2"));
        }

        // a namespace torn down: its resources go (cleanups ran), and what a cleanup that gave up left behind
        // (a registration whose resource is gone) is swept; a registration made by hand is never touched
        store.inNamespace("team-b").upsert(registration("left-behind").withOwner(new RegistrationOwner("gone", "gw")));
        store.inNamespace("team-b").upsert(registration("by-hand"));
        client.resources(SseGateway.class).inNamespace("team-b").withName("gw").delete();
        await().atMost(SWEPT).until(() -> registration("team-b", "left-behind").isEmpty());
        assertThat(store.inNamespace("team-b").list())
                .extracting(FunctionRegistration::name)
                .containsExactly("by-hand");
        assertThat(store.inNamespace("team-a").list()).isEmpty();

        // a gateway without spec.replicas leaves its Deployment's count to an HPA
        Edits.edit(client.apps().deployments().inNamespace("team-a").withName("gw"), d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        Edits.edit(client.resources(SseGateway.class).inNamespace("team-a").withName("gw"), g -> {
            g.getSpec().setSessionTtl("2h");
            return g;
        });
        await().atMost(SETTLE)
                .until(() -> "2h"
                        .equals(client.configMaps()
                                .inNamespace("team-a")
                                .withName("gw-config")
                                .get()
                                .getData()
                                .get("SESSION_TTL")));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("team-a")
                        .withName("gw")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(3);
    }

    private static int healthz(int port) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            if (!operator.isAlive()) {
                throw new IllegalStateException(
                        "the operator exited with " + operator.exitValue() + "; see " + operatorLog, e);
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Optional<FunctionRegistration> registration(String ns, String name) {
        return store.inNamespace(ns).get(name);
    }

    private static FunctionRegistration registration(String name) {
        return RegistrationValidator.validate(
                JsonMapper.MAPPER.createObjectNode().put("name", name).put("endpoint", "http://echo.example/"),
                Instant.EPOCH);
    }

    private static ServerlessFunction awaitReady(String ns, String name) {
        return await().alias(ns + "/" + name + " Ready")
                .atMost(SETTLE)
                .until(
                        () -> client.resources(ServerlessFunction.class)
                                .inNamespace(ns)
                                .withName(name)
                                .get(),
                        f -> f != null
                                && f.getStatus() != null
                                && f.getStatus().getConditions() != null
                                && Conditions.find(f.getStatus().getConditions(), Conditions.READY)
                                        .filter(c -> "True".equals(c.getStatus()))
                                        .isPresent());
    }

    private static SseGateway gateway(String namespace, String name, String redisUrl) {
        RedisSpec redis = new RedisSpec();
        redis.setUrl(redisUrl);
        SseGatewaySpec spec = new SseGatewaySpec();
        spec.setRedis(redis);
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        gateway.setSpec(spec);
        return gateway;
    }

    private static ServerlessFunction function(String namespace, String name, String gateway, String endpoint) {
        ServerlessFunctionSpec spec = new ServerlessFunctionSpec();
        spec.setGatewayRef(new GatewayRef(gateway));
        spec.setEndpoint(endpoint);
        ServerlessFunction function = new ServerlessFunction();
        function.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        function.setSpec(spec);
        return function;
    }
}
