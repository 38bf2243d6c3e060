package dev.switchboard.registry;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A namespace's registrations in one Redis hash ({@link RedisKeys#functions}), one field per function, in the JSON
 * form of {@link RegistrationCodec}. Each change takes a revision from {@link RedisKeys#functionsRevision} and is
 * announced on {@link RedisKeys#functionsChannel} so that replicas refresh their caches.
 */
public final class RedisFunctionStore implements FunctionStore {
    /** Replaces a field only while it exists, so a concurrent delete is not undone. */
    private static final String REPLACE_IF_PRESENT = "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 else return 0 end";
    /** Removes a field only while its stored owner has the given uid (checked in Redis, so no write slips in). */
    private static final String DELETE_IF_OWNED = "local v = redis.call('HGET', KEYS[1], ARGV[1]) "
            + "if not v then return 0 end "
            + "local ok, doc = pcall(cjson.decode, v) "
            + "if not ok or type(doc) ~= 'table' or type(doc.owner) ~= 'table' or doc.owner.uid ~= ARGV[2] "
            + "then return 0 end "
            + "redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('INCR', KEYS[2]) return 1";

    private final RedisConnections redis;
    private final Clock clock;
    private final String namespace;
    private final String hash;
    private final String revisionKey;
    private final String channel;

    /**
     * The store of the default namespace.
     *
     * @param redis connections to use (not closed by this store)
     * @param clock source of change times
     */
    public RedisFunctionStore(RedisConnections redis, Clock clock) {
        this(redis, clock, Namespaces.DEFAULT);
    }

    private RedisFunctionStore(RedisConnections redis, Clock clock, String namespace) {
        this.redis = redis;
        this.clock = clock;
        this.namespace = Namespaces.of(namespace);
        this.hash = RedisKeys.functions(this.namespace);
        this.revisionKey = RedisKeys.functionsRevision(this.namespace);
        this.channel = RedisKeys.functionsChannel(this.namespace);
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public RedisFunctionStore inNamespace(String namespace) {
        return new RedisFunctionStore(redis, clock, namespace);
    }

    @Override
    public Set<String> namespaces() {
        Set<String> found = new TreeSet<>();
        RedisConnections.call(
                "list function namespaces",
                () -> RedisScan.keys(
                        redis,
                        RedisKeys.NAMESPACED_FUNCTIONS_PATTERN,
                        500,
                        k -> RedisKeys.namespaceOfFunctions(k).ifPresent(found::add)));
        return found;
    }

    @Override
    public boolean deleteOwned(String name, String ownerUid) {
        Long removed = RedisConnections.call(
                "delete an owned function",
                () -> redis.sync()
                        .<Long>eval(
                                DELETE_IF_OWNED,
                                ScriptOutputType.INTEGER,
                                new String[] {hash, revisionKey},
                                name,
                                ownerUid));
        if (removed != null && removed > 0) {
            announce(name);
            return true;
        }
        return false;
    }

    @Override
    public Optional<FunctionRegistration> create(FunctionRegistration registration) {
        Instant now = clock.instant();
        FunctionRegistration stored = registration.stored(nextRevision(), now, now);
        boolean created = RedisConnections.call(
                "register a function",
                () -> redis.sync().hsetnx(hash, stored.name(), RegistrationCodec.encode(stored)));
        if (!created) {
            return Optional.empty();
        }
        announce(stored.name());
        return Optional.of(stored);
    }

    @Override
    public Optional<FunctionRegistration> replace(FunctionRegistration registration) {
        Optional<FunctionRegistration> current = get(registration.name());
        if (current.isEmpty()) {
            return Optional.empty();
        }
        FunctionRegistration stored =
                registration.stored(nextRevision(), current.get().createdAt(), clock.instant());
        Long replaced = RedisConnections.call(
                "update a function",
                () -> redis.sync()
                        .<Long>eval(
                                REPLACE_IF_PRESENT,
                                ScriptOutputType.INTEGER,
                                new String[] {hash},
                                stored.name(),
                                RegistrationCodec.encode(stored)));
        if (replaced == null || replaced == 0) {
            return Optional.empty();
        }
        announce(stored.name());
        return Optional.of(stored);
    }

    @Override
    public FunctionRegistration upsert(FunctionRegistration registration) {
        Instant created =
                get(registration.name()).map(FunctionRegistration::createdAt).orElse(clock.instant());
        FunctionRegistration stored = registration.stored(nextRevision(), created, clock.instant());
        RedisConnections.call(
                "store a function", () -> redis.sync().hset(hash, stored.name(), RegistrationCodec.encode(stored)));
        announce(stored.name());
        return stored;
    }

    @Override
    public Optional<FunctionRegistration> get(String name) {
        String json =
                RedisConnections.call("read a function", () -> redis.sync().hget(hash, name));
        return Optional.ofNullable(json).map(RegistrationCodec::decode);
    }

    @Override
    public List<FunctionRegistration> list() {
        Map<String, String> all =
                RedisConnections.call("list functions", () -> redis.sync().hgetall(hash));
        return all.values().stream()
                .map(RegistrationCodec::decode)
                .sorted(Comparator.comparing(FunctionRegistration::name))
                .toList();
    }

    @Override
    public boolean delete(String name) {
        Long removed =
                RedisConnections.call("delete a function", () -> redis.sync().hdel(hash, name));
        if (removed != null && removed > 0) {
            nextRevision();
            announce(name);
            return true;
        }
        return false;
    }

    @Override
    public void onChange(Consumer<String> listener) {
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (RedisFunctionStore.this.channel.equals(channel)) {
                    listener.accept(message);
                }
            }
        });
        RedisConnections.call("subscribe to function changes", () -> {
            redis.pubSub().sync().subscribe(channel);
            return null;
        });
    }

    private long nextRevision() {
        return RedisConnections.call("take a revision", () -> redis.sync().incr(revisionKey));
    }

    private void announce(String name) {
        RedisConnections.call("announce a function change", () -> redis.sync().publish(channel, name));
    }

    @Override
    public void close() {
        // the connections belong to the caller
    }
}
