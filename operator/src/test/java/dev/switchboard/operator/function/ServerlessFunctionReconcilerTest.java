package dev.switchboard.operator.function;

import static dev.switchboard.operator.function.TestResources.encode;
import static dev.switchboard.operator.function.TestResources.fromSecret;
import static dev.switchboard.operator.function.TestResources.function;
import static dev.switchboard.operator.function.TestResources.gateway;
import static dev.switchboard.operator.function.TestResources.gatewayWithRedisSecret;
import static dev.switchboard.operator.function.TestResources.literal;
import static dev.switchboard.operator.function.TestResources.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.model.HealthCheckSpec;
import dev.switchboard.operator.model.RetrySpec;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.operator.testing.Edits;
import dev.switchboard.operator.testing.TestApiServer;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.registry.RegistrationCodec;
import dev.switchboard.registry.RegistrationOwner;
import dev.switchboard.testing.TestDns;
import dev.switchboard.testing.TestRedis;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ServerlessFunction controller running in a real JOSDK {@link Operator} against fabric8's mock API server
 * (CRUD mode, with the checked-in CRDs so that status is a subresource) and a real Redis. Server-side apply is on,
 * as in production: the mock does not implement it, so {@link TestApiServer} adds the smallest faithful apply
 * (create when missing, merge and write only changed fields, no-op when nothing changed). The registration is
 * read back in its stored form, the one every gateway replica reads.
 */
class ServerlessFunctionReconcilerTest {
    private static final Duration SETTLE = Duration.ofSeconds(20);
    /** A failure's first retry comes after {@link Backoff#MIN}; a recovery may need a second one. */
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    private static final MutableClock CLOCK = new MutableClock();
    private static final Map<String, AtomicInteger> RECONCILED = new ConcurrentHashMap<>();

    static KubernetesClient client;
    private static TestApiServer api;
    private static TestRedis redis;
    private static RedisRegistries registries;
    private static Operator operator;

    @BeforeAll
    static void startOperator() throws IOException {
        redis = TestRedis.shared();
        redis.flush();
        api = TestApiServer.start();
        client = api.client();
        registries = new RedisRegistries(Duration.ofSeconds(2), CLOCK);
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withMetrics(new Metrics() {
                    @Override
                    public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
                        RECONCILED
                                .computeIfAbsent(resource.getMetadata().getName(), n -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }));
        operator.register(new ServerlessFunctionReconciler(registries, CLOCK));
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
        if (registries != null) {
            registries.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void registersTheFunctionAndFollowsSpecChanges() throws IOException {
        String ns = "basic";
        client.resource(gateway(ns, "gw", redis.url())).create();
        ServerlessFunction fn =
                function(ns, "fn-basic", "gw", "http://echo.example:8080/run", literal("X-Api-Version", "2"));
        ServerlessFunctionSpec spec = fn.getSpec();
        spec.setKind(ServerlessFunctionSpec.Kind.MCP);
        spec.setMethod(ServerlessFunctionSpec.Method.PUT);
        spec.setTimeout("10s");
        spec.setDescription("echoes");
        HealthCheckSpec check = new HealthCheckSpec();
        check.setPath("/health");
        check.setInterval("15s");
        spec.setHealthCheck(check);
        spec.setMaxConcurrency(8);
        RetrySpec retry = new RetrySpec();
        retry.setAttempts(2);
        retry.setBackoff("250ms");
        spec.setRetry(retry);
        client.resource(fn).create();

        ServerlessFunction ready = awaitCondition(ns, "fn-basic", true, "Registered");
        FunctionRegistration stored = stored(redis, ns, "fn-basic").orElseThrow();
        assertThat(stored.kind()).isEqualTo(FunctionKind.MCP);
        assertThat(stored.endpoint()).hasToString("http://echo.example:8080/run");
        assertThat(stored.method()).isEqualTo("PUT");
        assertThat(stored.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(stored.headers()).isEqualTo(Map.of("X-Api-Version", "2"));
        assertThat(stored.description()).isEqualTo("echoes");
        assertThat(stored.maxConcurrency()).isEqualTo(8);
        assertThat(stored.retry().attempts()).isEqualTo(2);
        assertThat(stored.retry().backoff()).isEqualTo(Duration.ofMillis(250));
        JsonNode json = storedJson(redis, ns, "fn-basic");
        assertThat(json.get("health_check").get("path").asText()).isEqualTo("/health");
        assertThat(json.get("health_check").get("interval").asText()).isEqualTo("15s");
        assertThat(json.get("kind").asText()).isEqualTo("mcp");
        assertThat(json.get("max_concurrency").asInt()).isEqualTo(8);

        assertThat(ready.getMetadata().getFinalizers()).contains(ServerlessFunctionReconciler.FINALIZER);
        assertThat(ready.getStatus().getRegisteredRevision()).isEqualTo(stored.revision());
        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());
        Condition registered = condition(ready, Conditions.REGISTERED).orElseThrow();
        assertThat(registered.getStatus()).isEqualTo("True");
        assertThat(registered.getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());

        Edits.edit(client.resources(ServerlessFunction.class).inNamespace(ns).withName("fn-basic"), f -> {
            f.getSpec().setEndpoint("https://echo.example/v2");
            f.getSpec().setTimeout("45s");
            return f;
        });
        FunctionRegistration changed = await().atMost(SETTLE)
                .until(
                        () -> stored(redis, ns, "fn-basic").orElseThrow(),
                        r -> r.endpoint().toString().equals("https://echo.example/v2"));
        assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(changed.revision()).isGreaterThan(stored.revision());
        assertThat(changed.createdAt()).isEqualTo(stored.createdAt());
        ServerlessFunction updated = await().atMost(SETTLE)
                .until(
                        () -> get(ns, "fn-basic"),
                        f -> changed.revision() == f.getStatus().getRegisteredRevision());
        assertThat(updated.getStatus().getObservedGeneration())
                .isEqualTo(updated.getMetadata().getGeneration())
                .isGreaterThan(ready.getMetadata().getGeneration());
    }

    @Test
    void headerFromASecretFollowsRotationAndAResyncWritesNothing() {
        String ns = "rotation";
        client.resource(secret(ns, "api-token", Map.of("token", "Bearer first")))
                .create();
        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(function(
                        ns,
                        "fn-rotation",
                        "gw",
                        "http://echo.example/",
                        fromSecret("Authorization", "api-token", "token")))
                .create();

        ServerlessFunction ready = awaitCondition(ns, "fn-rotation", true, "Registered");
        FunctionRegistration first = stored(redis, ns, "fn-rotation").orElseThrow();
        assertThat(first.headers()).containsEntry("Authorization", "Bearer first");
        assertThat(ready.getStatus().getConditions())
                .allSatisfy(c -> assertThat(c.getMessage()).doesNotContain("first"));

        client.secrets().inNamespace(ns).withName("api-token").edit(s -> {
            s.setData(encode(Map.of("token", "Bearer second")));
            return s;
        });
        FunctionRegistration rotated = await().atMost(SETTLE)
                .until(
                        () -> stored(redis, ns, "fn-rotation").orElseThrow(),
                        r -> "Bearer second".equals(r.headers().get("Authorization")));
        assertThat(rotated.revision()).isGreaterThan(first.revision());
        await().atMost(SETTLE)
                .until(
                        () -> get(ns, "fn-rotation").getStatus().getRegisteredRevision(),
                        revision -> revision == rotated.revision());

        // Any event re-reconciles (here: a label on the Secret); an unchanged registration is not rewritten,
        // and an unchanged status is not patched.
        int before = reconciled("fn-rotation");
        String version = get(ns, "fn-rotation").getMetadata().getResourceVersion();
        client.secrets().inNamespace(ns).withName("api-token").edit(s -> {
            s.getMetadata().setLabels(Map.of("touched", "yes"));
            return s;
        });
        await().atMost(SETTLE).until(() -> reconciled("fn-rotation") > before);
        FunctionRegistration after = stored(redis, ns, "fn-rotation").orElseThrow();
        assertThat(after.revision()).isEqualTo(rotated.revision());
        assertThat(after.updatedAt()).isEqualTo(rotated.updatedAt());
        assertThat(get(ns, "fn-rotation").getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void aMissingSecretOrKeyIsReportedUntilItAppears() {
        String ns = "missing-secret";
        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(function(
                        ns,
                        "fn-missing-secret",
                        "gw",
                        "http://echo.example/",
                        fromSecret("X-Api-Key", "api-key", "apiKey")))
                .create();

        ServerlessFunction missing = awaitCondition(ns, "fn-missing-secret", false, "SecretNotFound");
        assertThat(condition(missing, Conditions.READY).orElseThrow().getMessage())
                .contains("Secret api-key", "header X-Api-Key");
        assertThat(condition(missing, Conditions.REGISTERED).orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(stored(redis, ns, "fn-missing-secret")).isEmpty();

        client.resource(secret(ns, "api-key", Map.of("other", "x"))).create();
        await().atMost(SETTLE)
                .until(
                        () -> get(ns, "fn-missing-secret"),
                        f -> condition(f, Conditions.READY)
                                .orElseThrow()
                                .getMessage()
                                .contains("has no key apiKey"));

        client.secrets().inNamespace(ns).withName("api-key").edit(s -> {
            s.setData(encode(Map.of("apiKey", "s3cret-value")));
            return s;
        });
        ServerlessFunction ready = awaitCondition(ns, "fn-missing-secret", true, "Registered");
        assertThat(stored(redis, ns, "fn-missing-secret").orElseThrow().headers())
                .containsEntry("X-Api-Key", "s3cret-value");
        assertThat(ready.getStatus().getConditions())
                .allSatisfy(c -> assertThat(c.getMessage()).doesNotContain("s3cret"));
    }

    @Test
    void waitsForItsGateway() {
        String ns = "late-gateway";
        client.resource(function(ns, "fn-late", "late", "http://echo.example/")).create();

        ServerlessFunction waiting = awaitCondition(ns, "fn-late", false, "GatewayNotFound");
        assertThat(condition(waiting, Conditions.READY).orElseThrow().getMessage())
                .contains("SseGateway late");
        assertThat(condition(waiting, Conditions.REGISTERED).orElseThrow().getReason())
                .isEqualTo("GatewayNotFound");
        assertThat(stored(redis, ns, "fn-late")).isEmpty();

        client.resource(gateway(ns, "late", redis.url())).create();
        awaitCondition(ns, "fn-late", true, "Registered");
        assertThat(stored(redis, ns, "fn-late")).isPresent();
        // an Event per Ready transition, on the function
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.events().v1().events().inNamespace(ns).list().getItems().stream()
                                .filter(e -> "fn-late".equals(e.getRegarding().getName()))
                                .sorted(java.util.Comparator.comparing(
                                        e -> e.getEventTime().getTime()))
                                .map(e -> e.getRegarding().getKind() + " " + e.getType() + " " + e.getReason()))
                        .containsExactly(
                                "ServerlessFunction Warning GatewayNotFound", "ServerlessFunction Normal Registered"));
    }

    @Test
    void readsTheGatewaysRedisUrlFromASecret() {
        String ns = "redis-secret";
        client.resource(gatewayWithRedisSecret(ns, "gw", "redis-conn", "url")).create();
        client.resource(function(ns, "fn-redis-secret", "gw", "http://echo.example/"))
                .create();

        ServerlessFunction waiting = awaitCondition(ns, "fn-redis-secret", false, "RedisSecretMissing");
        assertThat(condition(waiting, Conditions.READY).orElseThrow().getMessage())
                .contains("redis-conn");

        // with the trailing newline a Secret made from a file usually has
        client.resource(secret(ns, "redis-conn", Map.of("url", redis.url() + "\n")))
                .create();
        awaitCondition(ns, "fn-redis-secret", true, "Registered");
        assertThat(stored(redis, ns, "fn-redis-secret")).isPresent();
    }

    @Test
    void replacesAnUnreadableStoredRegistration() {
        String ns = "corrupt";
        redis.command("HSET", RedisKeys.functions(ns), "fn-corrupt", "not-json");
        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(function(ns, "fn-corrupt", "gw", "http://echo.example/"))
                .create();

        awaitCondition(ns, "fn-corrupt", true, "Registered");
        assertThat(stored(redis, ns, "fn-corrupt").orElseThrow().endpoint()).hasToString("http://echo.example/");
    }

    @Test
    void anInvalidRedisUrlIsReportedWithoutEchoingIt() {
        String ns = "bad-url";
        // Passes the CRD's pattern; the database is not a number, and the parser's message would quote the URL.
        client.resource(gateway(ns, "gw", "redis://:hunter2@redis.example/x")).create();
        client.resource(function(ns, "fn-bad-url", "gw", "http://echo.example/"))
                .create();

        ServerlessFunction failed = awaitCondition(ns, "fn-bad-url", false, "InvalidRedisUrl");
        assertThat(failed.getStatus().getConditions())
                .allSatisfy(c -> assertThat(c.getMessage())
                        .contains("SseGateway gw")
                        .doesNotContain("hunter2", "redis.example"));
    }

    @Test
    void anEndpointTheGatewayWouldRefuseIsReportedBeforeItIsRegistered() {
        String ns = "egress";
        client.resource(gateway(ns, "gw", redis.url())).create();
        // the cloud metadata address: link-local, never in the default private ranges
        client.resource(function(ns, "fn-metadata", "gw", "http://169.254.169.254/latest/"))
                .create();

        ServerlessFunction refused = awaitCondition(ns, "fn-metadata", false, "EndpointRefused");
        assertThat(condition(refused, Conditions.READY).orElseThrow().getMessage())
                .startsWith("spec.endpoint: ")
                .contains("169.254.169.254")
                .contains("spec.allowedFunctionNetworks of SseGateway gw");
        assertThat(stored(redis, ns, "fn-metadata")).isEmpty();

        // a private address is in the default ranges; a name the operator cannot resolve is left to the gateway
        Edits.edit(client.resources(ServerlessFunction.class).inNamespace(ns).withName("fn-metadata"), f -> {
            f.getSpec().setEndpoint("http://10.1.2.3:8080/");
            return f;
        });
        awaitCondition(ns, "fn-metadata", true, "Registered");
        assertThat(stored(redis, ns, "fn-metadata")).isPresent();
    }

    @Test
    void anEndpointWhoseAaaaAnswerEmbedsTheMetadataAddressIsRefused() {
        String ns = "egress-mapped";
        client.resource(gateway(ns, "gw", redis.url())).create();
        // a name answering ::ffff:169.254.169.254 (an Inet6Address) through the test resolver, no real DNS
        String host = TestDns.name("operator-mapped-metadata", "::ffff:169.254.169.254");
        client.resource(function(ns, "fn-mapped", "gw", "http://" + host + "/latest/"))
                .create();

        ServerlessFunction refused = awaitCondition(ns, "fn-mapped", false, "EndpointRefused");
        assertThat(condition(refused, Conditions.READY).orElseThrow().getMessage())
                .startsWith("spec.endpoint: ")
                .contains(host, "ffff:a9fe:a9fe");
        assertThat(stored(redis, ns, "fn-mapped")).isEmpty();
    }

    @Test
    void aSpecTheRegistryRefusesIsReportedAsInvalidSpec() {
        String ns = "invalid";
        client.resource(gateway(ns, "gw", redis.url())).create();
        // The CRD's header name pattern accepts it; the registry refuses headers the gateway sets itself.
        client.resource(function(ns, "fn-invalid", "gw", "http://echo.example/", literal("X-Request-ID", "fixed")))
                .create();

        ServerlessFunction invalid = awaitCondition(ns, "fn-invalid", false, "InvalidSpec");
        assertThat(condition(invalid, Conditions.READY).orElseThrow().getMessage())
                .startsWith("spec.headers[X-Request-ID]: ")
                .contains("set by the gateway");
        assertThat(stored(redis, ns, "fn-invalid")).isEmpty();

        Edits.edit(client.resources(ServerlessFunction.class).inNamespace(ns).withName("fn-invalid"), f -> {
            f.getSpec().setHeaders(List.of(literal("X-Trace", "on")));
            return f;
        });
        awaitCondition(ns, "fn-invalid", true, "Registered");
        assertThat(stored(redis, ns, "fn-invalid").orElseThrow().headers()).isEqualTo(Map.of("X-Trace", "on"));
    }

    @Test
    void recoversFromRedisOutagesWithoutIntervention() {
        try (TestRedis own = TestRedis.startPrivate()) {
            String ns = "outage";
            own.stop();
            client.resource(gateway(ns, "gw", own.url())).create();
            client.resource(function(ns, "fn-outage", "gw", "http://echo.example/"))
                    .create();

            // Unreachable at the first connection...
            ServerlessFunction down = awaitCondition(ns, "fn-outage", false, "RedisUnavailable");
            assertThat(condition(down, Conditions.READY).orElseThrow().getMessage())
                    .contains("SseGateway gw");
            own.start();
            await().atMost(RECOVERY).until(() -> isReady(get(ns, "fn-outage")));
            assertThat(stored(own, ns, "fn-outage")).isPresent();

            // ...and on an established one.
            own.stop();
            Edits.edit(
                    client.resources(ServerlessFunction.class).inNamespace(ns).withName("fn-outage"), f -> {
                        f.getSpec().setTimeout("45s");
                        return f;
                    });
            awaitCondition(ns, "fn-outage", false, "RedisUnavailable");
            own.start();
            await().atMost(RECOVERY).until(() -> isReady(get(ns, "fn-outage")));
            assertThat(stored(own, ns, "fn-outage").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(45));

            client.resources(ServerlessFunction.class)
                    .inNamespace(ns)
                    .withName("fn-outage")
                    .delete();
            await().atMost(SETTLE).until(() -> get(ns, "fn-outage") == null);
        }
    }

    @Test
    void deletingTheFunctionRemovesItsRegistration() {
        String ns = "delete";
        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(function(ns, "fn-delete", "gw", "http://echo.example/")).create();
        awaitCondition(ns, "fn-delete", true, "Registered");
        assertThat(stored(redis, ns, "fn-delete")).isPresent();

        client.resources(ServerlessFunction.class)
                .inNamespace(ns)
                .withName("fn-delete")
                .delete();
        await().atMost(SETTLE).until(() -> get(ns, "fn-delete") == null);
        assertThat(stored(redis, ns, "fn-delete")).isEmpty();
    }

    @Test
    void deletingAFunctionWhoseGatewayIsGoneLetsItGo() {
        String ns = "orphan";
        client.resource(function(ns, "fn-orphan", "gone", "http://echo.example/"))
                .create();
        ServerlessFunction waiting = awaitCondition(ns, "fn-orphan", false, "GatewayNotFound");
        assertThat(waiting.getMetadata().getFinalizers()).contains(ServerlessFunctionReconciler.FINALIZER);

        client.resources(ServerlessFunction.class)
                .inNamespace(ns)
                .withName("fn-orphan")
                .delete();
        await().atMost(SETTLE).until(() -> get(ns, "fn-orphan") == null);
    }

    @Test
    void deletingWhileRedisIsDownRetriesThenGivesUpAfterTheDeadline() {
        try (TestRedis own = TestRedis.startPrivate()) {
            String ns = "delete-outage";
            client.resource(gateway(ns, "gw", own.url())).create();
            client.resource(function(ns, "fn-retried", "gw", "http://echo.example/"))
                    .create();
            client.resource(function(ns, "fn-abandoned", "gw", "http://echo.example/"))
                    .create();
            awaitCondition(ns, "fn-retried", true, "Registered");
            awaitCondition(ns, "fn-abandoned", true, "Registered");

            // Redis away: the finalizer holds the resource, and the cleanup is retried once Redis is back.
            own.stop();
            client.resources(ServerlessFunction.class)
                    .inNamespace(ns)
                    .withName("fn-retried")
                    .delete();
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> get(ns, "fn-retried") != null);
            own.start();
            // The restarted Redis kept nothing: put an entry of this resource back so that its removal shows the
            // retry happened.
            hset(
                    own,
                    RedisKeys.functions(ns),
                    "fn-retried",
                    "{\"owner\":{\"uid\":\""
                            + get(ns, "fn-retried").getMetadata().getUid() + "\"}}");
            assertThat(own.command("HEXISTS", RedisKeys.functions(ns), "fn-retried"))
                    .isEqualTo(":1");
            await().atMost(RECOVERY).until(() -> get(ns, "fn-retried") == null);
            assertThat(own.command("HEXISTS", RedisKeys.functions(ns), "fn-retried"))
                    .isEqualTo(":0");

            // Redis away for longer than the deadline: the resource goes anyway.
            own.stop();
            client.resources(ServerlessFunction.class)
                    .inNamespace(ns)
                    .withName("fn-abandoned")
                    .delete();
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> get(ns, "fn-abandoned") != null);
            CLOCK.advance(ServerlessFunctionReconciler.CLEANUP_GIVE_UP.plusMinutes(1));
            await().atMost(SETTLE).until(() -> get(ns, "fn-abandoned") == null);
        } finally {
            CLOCK.reset();
        }
    }

    @Test
    void sameNamedFunctionsOfTwoNamespacesCoexistOnOneRedis() {
        for (String ns : List.of("tenant-a", "tenant-b")) {
            client.resource(gateway(ns, "gw", redis.url())).create();
            client.resource(function(ns, "search", "gw", "http://search." + ns + ".example/"))
                    .create();
        }
        ServerlessFunction a = awaitCondition("tenant-a", "search", true, "Registered");
        ServerlessFunction b = awaitCondition("tenant-b", "search", true, "Registered");

        FunctionRegistration ofA = stored(redis, "tenant-a", "search").orElseThrow();
        assertThat(ofA.endpoint()).hasToString("http://search.tenant-a.example/");
        assertThat(ofA.owner()).contains(new RegistrationOwner(a.getMetadata().getUid(), "gw"));
        assertThat(stored(redis, "tenant-b", "search").orElseThrow().endpoint())
                .hasToString("http://search.tenant-b.example/");
        assertThat(stored(redis, Namespaces.DEFAULT, "search")).isEmpty();

        // deleting one leaves the other registered, and Ready
        client.resources(ServerlessFunction.class)
                .inNamespace("tenant-a")
                .withName("search")
                .delete();
        await().atMost(SETTLE).until(() -> get("tenant-a", "search") == null);
        assertThat(stored(redis, "tenant-a", "search")).isEmpty();
        assertThat(stored(redis, "tenant-b", "search").orElseThrow().owner())
                .contains(new RegistrationOwner(b.getMetadata().getUid(), "gw"));
        assertThat(isReady(get("tenant-b", "search"))).isTrue();
    }

    @Test
    void movingAFunctionToAnotherGatewayOrRedisRemovesItFromTheOldOne() {
        try (TestRedis other = TestRedis.startPrivate()) {
            String ns = "move";
            client.resource(gateway(ns, "old", redis.url())).create();
            client.resource(gateway(ns, "new", other.url())).create();
            client.resource(function(ns, "fn-move", "old", "http://echo.example/"))
                    .create();
            awaitCondition(ns, "fn-move", true, "Registered");
            assertThat(stored(redis, ns, "fn-move")
                            .orElseThrow()
                            .owner()
                            .orElseThrow()
                            .gateway())
                    .isEqualTo("old");

            Edits.edit(
                    client.resources(ServerlessFunction.class).inNamespace(ns).withName("fn-move"), f -> {
                        f.getSpec().setGatewayRef(new dev.switchboard.operator.model.GatewayRef("new"));
                        return f;
                    });
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> stored(other, ns, "fn-move").isPresent()
                            && stored(redis, ns, "fn-move").isEmpty());
            assertThat(stored(other, ns, "fn-move")
                            .orElseThrow()
                            .owner()
                            .orElseThrow()
                            .gateway())
                    .isEqualTo("new");

            // the gateway itself moves to another Redis: the function follows, the old Redis forgets it
            Edits.edit(
                    client.resources(dev.switchboard.operator.model.SseGateway.class)
                            .inNamespace(ns)
                            .withName("new"),
                    g -> {
                        g.getSpec().getRedis().setUrl(redis.url());
                        return g;
                    });
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> stored(redis, ns, "fn-move").isPresent()
                            && stored(other, ns, "fn-move").isEmpty());
        }
    }

    @Test
    void deletingAFunctionAfterItsGatewayStillRemovesTheRegistration() {
        String ns = "gateway-first";
        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(function(ns, "fn-gateway-first", "gw", "http://echo.example/"))
                .create();
        awaitCondition(ns, "fn-gateway-first", true, "Registered");

        client.resources(dev.switchboard.operator.model.SseGateway.class)
                .inNamespace(ns)
                .withName("gw")
                .delete();
        awaitCondition(ns, "fn-gateway-first", false, "GatewayNotFound");
        client.resources(ServerlessFunction.class)
                .inNamespace(ns)
                .withName("fn-gateway-first")
                .delete();
        await().atMost(SETTLE).until(() -> get(ns, "fn-gateway-first") == null);
        assertThat(stored(redis, ns, "fn-gateway-first")).isEmpty();
    }

    @Test
    void theUnnamespacedCopyAnOlderVersionWroteIsRemovedAndAHandMadeOneKept() throws Exception {
        String ns = "upgrade";
        ServerlessFunction migrated = function(ns, "fn-upgraded", "gw", "http://echo.example/");
        // exactly what the previous version wrote: the registration, bare name, default hash, no owner
        FunctionRegistration old = RegistrationBuilder.build(
                        migrated, SecretValues.of(List.of()), java.time.Instant.EPOCH)
                .stored(3, java.time.Instant.EPOCH, java.time.Instant.EPOCH);
        hset(redis, RedisKeys.FUNCTIONS, "fn-upgraded", RegistrationCodec.encode(old));
        // one a person registered through the admin API under the same name as another function: different content
        FunctionRegistration byHand = RegistrationBuilder.build(
                function(ns, "fn-same-name", "gw", "http://by-hand.example/"),
                SecretValues.of(List.of()),
                java.time.Instant.EPOCH);
        hset(redis, RedisKeys.FUNCTIONS, "fn-same-name", RegistrationCodec.encode(byHand));
        assertThat(stored(redis, Namespaces.DEFAULT, "fn-upgraded")).contains(old);

        client.resource(gateway(ns, "gw", redis.url())).create();
        client.resource(migrated).create();
        client.resource(function(ns, "fn-same-name", "gw", "http://operator.example/"))
                .create();
        awaitCondition(ns, "fn-upgraded", true, "Registered");
        awaitCondition(ns, "fn-same-name", true, "Registered");

        assertThat(stored(redis, ns, "fn-upgraded")).isPresent();
        assertThat(stored(redis, Namespaces.DEFAULT, "fn-upgraded")).isEmpty();
        assertThat(stored(redis, Namespaces.DEFAULT, "fn-same-name")
                        .orElseThrow()
                        .endpoint())
                .hasToString("http://by-hand.example/");

        // a copy still there when the function is deleted (deleted before this version reconciled it) goes too
        hset(redis, RedisKeys.FUNCTIONS, "fn-upgraded", RegistrationCodec.encode(old));
        client.resources(ServerlessFunction.class)
                .inNamespace(ns)
                .withName("fn-upgraded")
                .delete();
        await().atMost(SETTLE).until(() -> get(ns, "fn-upgraded") == null);
        assertThat(stored(redis, Namespaces.DEFAULT, "fn-upgraded")).isEmpty();
        assertThat(stored(redis, ns, "fn-upgraded")).isEmpty();
        assertThat(stored(redis, Namespaces.DEFAULT, "fn-same-name")).isPresent();
    }

    private static ServerlessFunction awaitCondition(String ns, String name, boolean ready, String reason) {
        String status = ready ? "True" : "False";
        return await().alias(ns + "/" + name + " Ready=" + status + " " + reason)
                .atMost(SETTLE)
                .until(
                        () -> get(ns, name),
                        f -> f != null
                                && condition(f, Conditions.READY)
                                        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
                                        .isPresent());
    }

    private static boolean isReady(ServerlessFunction function) {
        return condition(function, Conditions.READY)
                .filter(c -> "True".equals(c.getStatus()))
                .isPresent();
    }

    private static Optional<Condition> condition(ServerlessFunction function, String type) {
        return function == null || function.getStatus() == null
                ? Optional.empty()
                : Conditions.find(function.getStatus().getConditions(), type);
    }

    private static ServerlessFunction get(String ns, String name) {
        return client.resources(ServerlessFunction.class)
                .inNamespace(ns)
                .withName(name)
                .get();
    }

    private static int reconciled(String name) {
        return RECONCILED.getOrDefault(name, new AtomicInteger()).get();
    }

    /** Writes a value with spaces and quotes, which {@link TestRedis#command} cannot send. */
    private static void hset(TestRedis server, String key, String field, String value) {
        try (var connections = dev.switchboard.registry.RedisConnections.connect(server.url(), Duration.ofSeconds(2))) {
            connections.sync().hset(key, field, value);
        }
    }

    /** The stored form in the function's namespace, read the way a gateway reads it. */
    private static Optional<FunctionRegistration> stored(TestRedis server, String ns, String name) {
        return Optional.ofNullable(server.command("HGET", RedisKeys.functions(ns), name))
                .map(RegistrationCodec::decode);
    }

    private static JsonNode storedJson(TestRedis server, String ns, String name) throws IOException {
        return JsonMapper.MAPPER.readTree(server.command("HGET", RedisKeys.functions(ns), name));
    }
}
