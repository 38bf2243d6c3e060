package dev.switchboard.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;

/**
 * Registrations in one Redis hash ({@link RedisKeys#FUNCTIONS}), one field per function, in the JSON form
 * of {@link RegistrationCodec}. Each change takes a revision from {@link RedisKeys#FUNCTIONS_REVISION} and is
 * announced on {@link RedisKeys#FUNCTIONS_CHANNEL} so that replicas refresh their caches.
 */
public final class RedisFunctionStore implements FunctionStore {
    /** Replaces a field only while it exists, so a concurrent delete is not undone. */
    private static final String REPLACE_IF_PRESENT =
            "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then "
                    + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 else return 0 end";

    private final RedisConnections redis;
    private final Clock clock;

    /**
     * @param redis connections to use (not closed by this store)
     * @param clock source of change times
     */
    public RedisFunctionStore(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public Optional<FunctionRegistration> create(FunctionRegistration registration) {
        Instant now = clock.instant();
        FunctionRegistration stored = registration.stored(nextRevision(), now, now);
        boolean created = RedisConnections.call("register a function",
                () -> redis.sync().hsetnx(RedisKeys.FUNCTIONS, stored.name(), RegistrationCodec.encode(stored)));
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
        FunctionRegistration stored = registration.stored(nextRevision(), current.get().createdAt(), clock.instant());
        Long replaced = RedisConnections.call("update a function",
                () -> redis.sync().<Long>eval(REPLACE_IF_PRESENT, ScriptOutputType.INTEGER,
                                              new String[] {RedisKeys.FUNCTIONS},
                                              stored.name(), RegistrationCodec.encode(stored)));
        if (replaced == null || replaced == 0) {
            return Optional.empty();
        }
        announce(stored.name());
        return Optional.of(stored);
    }

    @Override
    public FunctionRegistration upsert(FunctionRegistration registration) {
        Instant created = get(registration.name()).map(FunctionRegistration::createdAt).orElse(clock.instant());
        FunctionRegistration stored = registration.stored(nextRevision(), created, clock.instant());
        RedisConnections.call("store a function",
                () -> redis.sync().hset(RedisKeys.FUNCTIONS, stored.name(), RegistrationCodec.encode(stored)));
        announce(stored.name());
        return stored;
    }

    @Override
    public Optional<FunctionRegistration> get(String name) {
        String json = RedisConnections.call("read a function", () -> redis.sync().hget(RedisKeys.FUNCTIONS, name));
        return Optional.ofNullable(json).map(RegistrationCodec::decode);
    }

    @Override
    public List<FunctionRegistration> list() {
        Map<String, String> all = RedisConnections.call("list functions",
                () -> redis.sync().hgetall(RedisKeys.FUNCTIONS));
        return all.values().stream()
                .map(RegistrationCodec::decode)
                .sorted(Comparator.comparing(FunctionRegistration::name))
                .toList();
    }

    @Override
    public boolean delete(String name) {
        Long removed = RedisConnections.call("delete a function", () -> redis.sync().hdel(RedisKeys.FUNCTIONS, name));
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
                if (RedisKeys.FUNCTIONS_CHANNEL.equals(channel)) {
                    listener.accept(message);
                }
            }
        });
        RedisConnections.call("subscribe to function changes",
                () -> {
                    redis.pubSub().sync().subscribe(RedisKeys.FUNCTIONS_CHANNEL);
                    return null;
                });
    }

    private long nextRevision() {
        return RedisConnections.call("take a revision", () -> redis.sync().incr(RedisKeys.FUNCTIONS_REVISION));
    }

    private void announce(String name) {
        RedisConnections.call("announce a function change",
                () -> redis.sync().publish(RedisKeys.FUNCTIONS_CHANNEL, name));
    }

    @Override
    public void close() {
        // the connections belong to the caller
    }
}
