package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisFunctionStoreTest extends FunctionStoreContract {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private RedisConnections redis;
    private RedisFunctionStore store;
    private RedisConnections otherRedis;

    @BeforeEach
    void connect() {
        TestRedis.shared().flush();
        redis = RedisConnections.connect(TestRedis.shared().url(), COMMAND_TIMEOUT);
        store = new RedisFunctionStore(redis, clock);
    }

    @AfterEach
    void disconnect() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (otherRedis != null) {
            otherRedis.close();
        }
    }

    @Override
    protected FunctionStore store() {
        return store;
    }

    /** A second store on its own connections, as another gateway replica or the operator would have. */
    private RedisFunctionStore otherStore() {
        otherRedis = RedisConnections.connect(TestRedis.shared().url(), COMMAND_TIMEOUT);
        return new RedisFunctionStore(otherRedis, clock);
    }

    @Test
    void anotherInstanceReadsWhatOneWrote() {
        FunctionRegistration echo = store.create(registration("echo", "from A")).orElseThrow();
        FunctionRegistration resize = store.upsert(registration("resize", "from A"));
        RedisFunctionStore other = otherStore();

        assertThat(other.get("echo")).contains(echo);
        assertThat(other.get("echo").orElseThrow().headers()).containsEntry("Authorization", "Bearer echo");
        assertThat(other.list()).containsExactly(echo, resize);

        // and the other way round: B's change is visible to A, with a store-wide revision
        clock.advance(Duration.ofSeconds(1));
        FunctionRegistration replaced =
                other.replace(registration("echo", "from B")).orElseThrow();
        assertThat(replaced.revision()).isGreaterThan(resize.revision());
        assertThat(replaced.createdAt()).isEqualTo(echo.createdAt());
        assertThat(store.get("echo")).contains(replaced);

        assertThat(other.delete("resize")).isTrue();
        assertThat(store.get("resize")).isEmpty();
        assertThat(other.create(registration("echo", "dup"))).isEmpty();
    }

    @Test
    void listenerOfOneInstanceHearsChangesMadeByAnother() {
        RedisFunctionStore other = otherStore();
        List<String> seen = new CopyOnWriteArrayList<>();
        other.onChange(seen::add);

        store.create(registration("echo", ""));
        store.delete("echo");

        awaitEquals(seen, List.of("echo", "echo"));
    }

    @Test
    void storedValueIsTheCodecJsonInTheFunctionsHash() throws Exception {
        FunctionRegistration stored =
                store.create(registration("echo", "stored")).orElseThrow();

        String raw = redis.sync().hget(RedisKeys.FUNCTIONS, "echo");

        assertThat(raw).isEqualTo(RegistrationCodec.encode(stored));
        JsonNode json = new ObjectMapper().readTree(raw);
        assertThat(json.get("name").asText()).isEqualTo("echo");
        assertThat(json.get("revision").asLong()).isEqualTo(stored.revision());
        // the stored form is unmasked: the gateway needs the real header values
        assertThat(json.get("headers").get("Authorization").asText()).isEqualTo("Bearer echo");
        assertThat(redis.sync().hkeys(RedisKeys.FUNCTIONS)).containsExactly("echo");
        assertThat(redis.sync().get(RedisKeys.FUNCTIONS_REVISION)).isEqualTo(String.valueOf(stored.revision()));
    }

    @Test
    void readsRegistrationsWrittenDirectlyInTheStoredForm() {
        FunctionRegistration written =
                registration("external", "written by the operator").stored(99, START, START.plusSeconds(5));
        redis.sync().hset(RedisKeys.FUNCTIONS, "external", RegistrationCodec.encode(written));

        assertThat(store.get("external")).contains(written);
        assertThat(store.list()).containsExactly(written);
    }

    @Test
    void aNamespaceHasItsOwnHashRevisionAndChannelInOneSlot() {
        RedisFunctionStore teamA = store.inNamespace("team-a");
        FunctionRegistration stored = teamA.create(registration("search", "")).orElseThrow();

        assertThat(redis.sync().hget("switchboard:{functions:team-a}", "search"))
                .isEqualTo(RegistrationCodec.encode(stored));
        assertThat(redis.sync().get("switchboard:{functions:team-a}:revision"))
                .isEqualTo(String.valueOf(stored.revision()));
        assertThat(redis.sync().exists(RedisKeys.FUNCTIONS)).isZero();
        assertThat(io.lettuce.core.cluster.SlotHash.getSlot(RedisKeys.functions("team-a")))
                .isEqualTo(io.lettuce.core.cluster.SlotHash.getSlot(RedisKeys.functionsRevision("team-a")));
    }

    @Test
    void deleteOwnedLeavesAnUnreadableEntryAlone() {
        RedisFunctionStore teamA = store.inNamespace("team-a");
        redis.sync().hset(RedisKeys.functions("team-a"), "broken", "not json");

        assertThat(teamA.deleteOwned("broken", "uid-1")).isFalse();
        assertThat(redis.sync().hexists(RedisKeys.functions("team-a"), "broken"))
                .isTrue();
    }
}
