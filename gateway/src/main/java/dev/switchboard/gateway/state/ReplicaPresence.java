package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * That this replica runs, told to the fleet: a key ({@link RedisKeys#replicaAlive}) set every {@link #EVERY} to
 * expire {@link #LIFE} later, from a thread of its own (the gateway's clock may be held up by a job, and a replica
 * taken for gone has its work answered by others). Other replicas ask {@link Gone} which replicas are gone.
 */
final class ReplicaPresence implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(ReplicaPresence.class.getName());
    static final Duration EVERY = Duration.ofSeconds(10);
    static final Duration LIFE = Duration.ofSeconds(30);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-presence");
        t.setDaemon(true);
        return t;
    });

    /** Sets the key now (a call that fails says the store is down at start) and then every {@link #EVERY}. */
    ReplicaPresence(RedisConnections redis, String replicaId) {
        String key = RedisKeys.replicaAlive(replicaId);
        Runnable set = () -> redis.sync().psetex(key, LIFE.toMillis(), "1");
        RedisConnections.call("tell the fleet this replica runs", () -> {
            set.run();
            return null;
        });
        thread.scheduleWithFixedDelay(
                () -> {
                    try {
                        set.run();
                    } catch (RuntimeException e) {
                        LOGGER.log(Level.FINE, "could not tell the fleet this replica runs", e);
                    }
                },
                EVERY.toMillis(),
                EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /**
     * Which replicas are gone: their key missing at two looks in a row (a replica cut off from Redis for longer
     * than the key's life sets it again within {@link #EVERY} of Redis answering, before the second look). One per
     * kind of work it finds orphans of: each remembers its own last look.
     */
    static final class Gone {
        private final RedisConnections redis;
        private final String self;
        private Set<String> missingAtLastLook = Set.of();
        private final java.util.Set<String> missingNow = new java.util.HashSet<>();

        Gone(RedisConnections redis, String self) {
            this.redis = redis;
            this.self = self;
        }

        /** Starts a look: what {@link #isGone} then finds missing is remembered for the next one. */
        void look() {
            missingAtLastLook = Set.copyOf(missingNow);
            missingNow.clear();
        }

        /**
         * @param replica a replica that recorded work
         * @return whether it is gone (never this replica): missing at this look and at the last one
         */
        boolean isGone(String replica) {
            if (replica.equals(self) || redis.sync().exists(RedisKeys.replicaAlive(replica)) > 0) {
                return false;
            }
            missingNow.add(replica);
            return missingAtLastLook.contains(replica);
        }
    }
}
