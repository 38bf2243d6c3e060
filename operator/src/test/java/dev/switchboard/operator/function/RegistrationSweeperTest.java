package dev.switchboard.operator.function;

import static dev.switchboard.operator.function.TestResources.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RegistrationOwner;
import dev.switchboard.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep against a real Redis, the live resources given as the API server would list them. */
class RegistrationSweeperTest {
    private final List<ServerlessFunction> live = new CopyOnWriteArrayList<>();
    private final List<Set<String>> listed = new CopyOnWriteArrayList<>();
    private TestRedis redis;
    private RedisRegistries registries;
    private FunctionStore store;

    @BeforeEach
    void connect() {
        redis = TestRedis.startPrivate();
        registries = new RedisRegistries(Duration.ofSeconds(2), Clock.systemUTC());
        store = registries.store(redis.url());
    }

    @AfterEach
    void close() {
        registries.close();
        redis.close();
    }

    @Test
    void removesOwnedRegistrationsWhoseResourceIsGoneAndNothingElse() {
        live("team-a", "kept", "uid-kept", "gw");
        write("team-a", "kept", new RegistrationOwner("uid-kept", "gw"));
        write("team-a", "deleted", new RegistrationOwner("uid-deleted", "gw"));
        // deleted and created again under the same name: the old owner's registration is not the new one's
        live("team-a", "recreated", "uid-new", "gw");
        write("team-a", "recreated", new RegistrationOwner("uid-old", "gw"));
        // moved to another gateway on another Redis: this copy is the old gateway's
        live("team-a", "moved", "uid-moved", "other-gw");
        write("team-a", "moved", new RegistrationOwner("uid-moved", "gw"));
        // a whole namespace deleted
        write("team-gone", "search", new RegistrationOwner("uid-gone", "gw"));
        // made through the admin API: never the operator's to remove
        write("team-a", "by-hand", null);
        write(Namespaces.DEFAULT, "legacy", null);
        // a namespace another operator watches, on the same Redis
        write("not-watched", "theirs", new RegistrationOwner("uid-theirs", "gw"));

        RegistrationSweeper sweeper = new RegistrationSweeper(registries, ns -> !ns.equals("not-watched"), this::list);

        assertThat(sweeper.sweep()).isEqualTo(4);
        assertThat(store.inNamespace("team-a").list())
                .extracting(FunctionRegistration::name)
                .containsExactly("by-hand", "kept");
        assertThat(store.inNamespace("team-gone").list()).isEmpty();
        assertThat(store.get("legacy")).isPresent();
        assertThat(store.inNamespace("not-watched").get("theirs")).isPresent();
        assertThat(listed).containsExactly(Set.of("team-a", "team-gone"));

        // nothing left to sweep: the resources are not even listed
        assertThat(sweeper.sweep()).isZero();
        assertThat(listed).hasSize(2);
    }

    @Test
    void anApiServerThatFailsRemovesNothing() {
        write("team-a", "search", new RegistrationOwner("uid-1", "gw"));
        RegistrationSweeper sweeper = new RegistrationSweeper(registries, ns -> true, namespaces -> {
            throw new IllegalStateException("API server unreachable");
        });

        assertThatThrownBy(sweeper::sweep).hasMessageContaining("unreachable");
        assertThat(store.inNamespace("team-a").get("search")).isPresent();
    }

    @Test
    void anUnavailableRedisIsSkipped() {
        write("team-a", "search", new RegistrationOwner("uid-1", "gw"));
        redis.stop();
        RegistrationSweeper sweeper = new RegistrationSweeper(registries, ns -> true, this::list);

        assertThat(sweeper.sweep()).isZero();
        redis.start();
    }

    private List<ServerlessFunction> list(Set<String> namespaces) {
        listed.add(namespaces);
        return live.stream()
                .filter(f -> namespaces.contains(f.getMetadata().getNamespace()))
                .toList();
    }

    private ServerlessFunction live(String namespace, String name, String uid, String gateway) {
        ServerlessFunction f = function(namespace, name, gateway, "http://echo.example/");
        f.getMetadata().setUid(uid);
        live.add(f);
        return f;
    }

    private void write(String namespace, String name, RegistrationOwner owner) {
        FunctionRegistration registration = dev.switchboard.registry.RegistrationValidator.validate(
                dev.switchboard.registry.JsonMapper.MAPPER
                        .createObjectNode()
                        .put("name", name)
                        .put("endpoint", "http://echo.example/"),
                Instant.EPOCH);
        store.inNamespace(namespace).upsert(owner == null ? registration : registration.withOwner(owner));
    }
}
