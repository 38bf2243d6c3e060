package dev.switchboard.gateway.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Snapshots of the one embedded replica. */
final class MemoryFleetSnapshots implements FleetSnapshots {
    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final Clock clock;

    MemoryFleetSnapshots(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void put(String replicaId, String snapshot) {
        stored.put(replicaId, StampedSnapshots.stamp(clock, snapshot));
    }

    @Override
    public Map<String, String> fresh(Duration maxAge) {
        return StampedSnapshots.fresh(Map.copyOf(stored), clock, maxAge, stale -> stale.forEach(stored::remove));
    }

    /** No other replica reads this store: the replica's own figures are read from it directly. */
    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void remove(String replicaId) {
        stored.remove(replicaId);
    }
}
