package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.McpPushIndex;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The listen streams this replica holds, per server, recorded in the push index so that a push counts them
 * fleet-wide ({@link McpPushIndex#listeners}): each is recorded when it opens and forgotten when it ends, and all
 * are renewed every 10 s ({@link #RENEW_EVERY}), so the streams of a replica that died stop counting within
 * {@link #TTL}, and a record lost to a store error comes back at the next renewal.
 */
final class ListenPresence implements AutoCloseable {
    /** How long a listen stream counts without renewal. */
    static final Duration TTL = Duration.ofSeconds(30);

    private static final Duration RENEW_EVERY = Duration.ofSeconds(10);
    private static final Logger LOGGER = Logger.getLogger(ListenPresence.class.getName());

    private final McpPushIndex index;
    private final String namespace;
    /** Server to its listen streams held here; a server's entry is changed and renewed under its bin's lock. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();

    private final Future<?> renewals;

    /**
     * @param index     where the streams are recorded
     * @param namespace this gateway's namespace (servers are qualified by it)
     * @param work      the gateway's periodic work, which renews the record
     */
    ListenPresence(McpPushIndex index, String namespace, PeriodicWork work) {
        this.index = index;
        this.namespace = namespace;
        this.renewals = work.every(RENEW_EVERY, "listen stream renewal", this::renew);
    }

    /** @param streamId a listen stream of the function that opened here */
    void opened(String function, String streamId) {
        String server = server(function);
        held.compute(server, (s, ids) -> {
            Set<String> streams = ids != null ? ids : ConcurrentHashMap.newKeySet();
            streams.add(streamId);
            record(server, List.of(streamId));
            return streams;
        });
    }

    /** @param streamId a listen stream of the function that ended here */
    void closed(String function, String streamId) {
        String server = server(function);
        held.computeIfPresent(server, (s, ids) -> {
            ids.remove(streamId);
            try {
                index.stoppedListening(server, streamId);
            } catch (RuntimeException e) {
                // it lapses after TTL without renewal
                LOGGER.log(Level.FINE, "could not forget a listen stream", e);
            }
            return ids.isEmpty() ? null : ids;
        });
    }

    private void renew() {
        for (String server : held.keySet()) {
            held.computeIfPresent(server, (s, ids) -> {
                record(server, List.copyOf(ids));
                return ids;
            });
        }
    }

    private void record(String server, List<String> streamIds) {
        try {
            index.listening(server, streamIds, TTL);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not record listen streams; the next renewal tries again", e);
        }
    }

    private String server(String function) {
        return namespace + "/" + function;
    }

    @Override
    public void close() {
        renewals.cancel(false);
    }
}
