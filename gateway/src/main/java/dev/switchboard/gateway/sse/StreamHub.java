package dev.switchboard.gateway.sse;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.gateway.state.ClientEvent;

/** The streams open on this replica, by client, with the connection limits applied at admission. */
public final class StreamHub {
    private final Map<String, Set<SseStream>> byClient = new ConcurrentHashMap<>();
    private final Set<SseStream> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger total = new AtomicInteger();
    private final int maxPerClient;
    private final int maxTotal;

    /**
     * @param maxPerClient streams one client may hold here
     * @param maxTotal     streams this replica holds
     */
    public StreamHub(int maxPerClient, int maxTotal) {
        this.maxPerClient = maxPerClient;
        this.maxTotal = maxTotal;
    }

    /** Outcome of {@link #admit}. */
    public enum Admission {
        ADMITTED, CLIENT_LIMIT, REPLICA_LIMIT
    }

    /**
     * @param stream a new stream
     * @return whether it was added, or which limit refused it
     */
    public Admission admit(SseStream stream) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Admission.REPLICA_LIMIT;
        }
        Admission[] result = {Admission.ADMITTED};
        byClient.compute(stream.clientId(), (id, streams) -> {
            Set<SseStream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (set.size() >= maxPerClient) {
                result[0] = Admission.CLIENT_LIMIT;
            } else {
                set.add(stream);
            }
            return set.isEmpty() ? null : set;
        });
        if (result[0] != Admission.ADMITTED) {
            total.decrementAndGet();
            return result[0];
        }
        all.add(stream);
        return Admission.ADMITTED;
    }

    /** @param stream a stream that ended */
    public void remove(SseStream stream) {
        if (!all.remove(stream)) {
            return;
        }
        total.decrementAndGet();
        byClient.computeIfPresent(stream.clientId(), (id, set) -> {
            set.remove(stream);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Queues an event on every stream of the client held here.
     *
     * @param clientId the client
     * @param event    the event
     */
    public void deliver(String clientId, ClientEvent event) {
        Set<SseStream> streams = byClient.get(clientId);
        if (streams != null) {
            for (SseStream s : streams) {
                s.offer(event);
            }
        }
    }

    /** @return every open stream */
    public Collection<SseStream> all() {
        return all;
    }

    /**
     * @param clientId a client
     * @return its streams here
     */
    public Collection<SseStream> of(String clientId) {
        Set<SseStream> streams = byClient.get(clientId);
        return streams == null ? List.of() : streams;
    }

    /** @return number of open streams */
    public int count() {
        return total.get();
    }

    /** @param reason closes every stream, e.g. at shutdown */
    public void closeAll(CloseReason reason) {
        all.forEach(s -> s.close(reason));
    }
}
