package dev.switchboard.gateway.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Leases} in this process: one replica, so a lease is held, by name, until released or lapsed. Each step
 * is one atomic map computation, as each is one script in Redis ({@link RedisLeases}).
 */
final class MemoryLeases implements Leases {
    private record Held(Lease lease, long expiresAtMillis) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Clock clock;

    /** @param clock when leases lapse */
    MemoryLeases(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean acquire(String name, String holder, Duration ttl) {
        long now = clock.millis();
        Held after = held.compute(name, (k, e) -> {
            if (e == null || e.expiresAtMillis() <= now) {
                return new Held(new Lease(holder, ""), now + ttl.toMillis());
            }
            return e.lease().holder().equals(holder) ? new Held(e.lease(), now + ttl.toMillis()) : e;
        });
        return after.lease().holder().equals(holder);
    }

    @Override
    public void release(String name, String holder) {
        held.computeIfPresent(name, (k, e) -> e.lease().holder().equals(holder) ? null : e);
    }

    @Override
    public boolean note(String name, String holder, String note) {
        long now = clock.millis();
        Held after = held.computeIfPresent(
                name,
                (k, e) -> e.expiresAtMillis() > now && e.lease().holder().equals(holder)
                        ? new Held(new Lease(holder, note), e.expiresAtMillis())
                        : e);
        return after != null && after.expiresAtMillis() > now && after.lease().equals(new Lease(holder, note));
    }

    @Override
    public Optional<Lease> read(String name) {
        Held e = held.get(name);
        return e == null || e.expiresAtMillis() <= clock.millis() ? Optional.empty() : Optional.of(e.lease());
    }
}
