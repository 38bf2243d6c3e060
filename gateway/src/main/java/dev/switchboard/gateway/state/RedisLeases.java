package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link Leases} in Redis: one key per lease ({@link RedisKeys#lease}), its value the holder, then a line feed and
 * the holder's note once it noted one. One key, so taking, renewing and noting stay atomic (and in one slot on a
 * Cluster); each step that depends on the holder is one script.
 */
final class RedisLeases implements Leases {
    /** Lua: whether the lease's value {@code v} is ARGV[1]'s. */
    private static final String HELD_BY_ARGV1 = "(v == ARGV[1] or string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '\\n')";
    /** SET NX PX, or a renewal (PEXPIRE) when ARGV[1] already holds it: 1 when ARGV[1] holds the lease. */
    private static final RedisScript ACQUIRE =
            new RedisScript("if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
                    + "local v = redis.call('GET', KEYS[1]) "
                    + "if v and " + HELD_BY_ARGV1 + " then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
                    + "return 0");
    /** Sets the note (ARGV[2]) kept with the lease when ARGV[1] holds it, keeping its TTL: 1 when it does. */
    private static final RedisScript NOTE = new RedisScript("local v = redis.call('GET', KEYS[1]) "
            + "if v and " + HELD_BY_ARGV1 + " then "
            + "redis.call('SET', KEYS[1], ARGV[2] == '' and ARGV[1] or ARGV[1] .. '\\n' .. ARGV[2], 'KEEPTTL') "
            + "return 1 end return 0");
    /** Deletes the lease only when ARGV[1] holds it. */
    private static final RedisScript RELEASE = new RedisScript("local v = redis.call('GET', KEYS[1]) " + "if v and "
            + HELD_BY_ARGV1 + " then return redis.call('DEL', KEYS[1]) end return 0");

    private final RedisConnections redis;

    /** @param redis where the leases live (not owned) */
    RedisLeases(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public boolean acquire(String name, String holder, Duration ttl) {
        Long held = RedisConnections.call(
                "take a lease",
                () -> ACQUIRE.<Long>run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {RedisKeys.lease(name)},
                        holder,
                        Long.toString(ttl.toMillis())));
        return held != null && held == 1;
    }

    @Override
    public void release(String name, String holder) {
        RedisConnections.call(
                "give up a lease",
                () -> RELEASE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.lease(name)}, holder));
    }

    @Override
    public boolean note(String name, String holder, String note) {
        Long held = RedisConnections.call(
                "note a lease",
                () -> NOTE.<Long>run(
                        redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.lease(name)}, holder, note));
        return held != null && held == 1;
    }

    @Override
    public Optional<Lease> read(String name) {
        String value = RedisConnections.call("read a lease", () -> redis.sync().get(RedisKeys.lease(name)));
        if (value == null) {
            return Optional.empty();
        }
        int end = value.indexOf('\n');
        return Optional.of(
                end < 0 ? new Lease(value, "") : new Lease(value.substring(0, end), value.substring(end + 1)));
    }
}
