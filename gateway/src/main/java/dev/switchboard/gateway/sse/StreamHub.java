package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.net.ChangeSignal;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.registry.RedisKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams open on this replica, by the logs they follow (a client's, a topic's, an MCP stream's), with the
 * connection limits applied at admission. A log's entry lives while a stream here follows it: the last
 * stream to leave frees it. Each stream counts as a follower of its logs in the event log's routed fan-out
 * ({@link ClientEventLog#follow}): this replica receives a log's events while a stream here follows it.
 */
public final class StreamHub {
    private final Map<String, Set<SseStream>> byClient = new ConcurrentHashMap<>();
    /** Streams by topic log; counted apart from clients, whose limit they do not share. */
    private final Map<String, Set<SseStream>> byTopic = new ConcurrentHashMap<>();

    private final Set<SseStream> all = ConcurrentHashMap.newKeySet();
    /**
     * The streams whose heartbeats the shared ticker times: all but those an event loop took over, so that a tick
     * does not walk (and touch) every stream of the event loops to skip it.
     */
    private final Set<SseStream> timedByTicker = ConcurrentHashMap.newKeySet();

    private final AtomicInteger total = new AtomicInteger();
    private final ChangeSignal changes = new ChangeSignal();
    /** Streams whose activity moved since the last {@link #takeActivityMoved}, once each (or twice in a race). */
    private final Queue<SseStream> activityMoved = new ConcurrentLinkedQueue<>();

    private final int maxPerClient;
    private final int maxTotal;
    private final ClientEventLog events;

    /** Set by {@link #closeAll}: a stream admitted after it is closed at once, for the same reason. */
    private volatile CloseReason closingAll;

    /**
     * @param maxPerClient streams one client may hold here (not counted for an MCP server's listen log, which
     *                     streams of many clients follow: their identities' and the replica's limits apply)
     * @param maxTotal     streams this replica holds
     * @param events       the event logs whose announcements the streams follow
     */
    public StreamHub(int maxPerClient, int maxTotal, ClientEventLog events) {
        this.maxPerClient = maxPerClient;
        this.maxTotal = maxTotal;
        this.events = events;
    }

    /** Outcome of {@link #admit}. */
    public enum Admission {
        ADMITTED,
        CLIENT_LIMIT,
        REPLICA_LIMIT
    }

    /**
     * Admits a stream and returns once the announcements of each of its logs reach this replica, so that what
     * the caller then reads from the logs (replay), and what is announced after, leave no gap between them.
     *
     * @param stream a new stream
     * @return whether it was added, or which limit refused it
     * @throws dev.switchboard.registry.StoreUnavailableException when a log's subscription cannot be made now
     *                                                            (the stream is not admitted)
     */
    public Admission admit(SseStream stream) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Admission.REPLICA_LIMIT;
        }
        Admission[] result = {Admission.ADMITTED};
        byClient.compute(stream.clientId(), (id, streams) -> {
            Set<SseStream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            // an MCP server's listen log is followed by many independent clients: no per-client limit there
            if (set.size() >= maxPerClient && !id.startsWith(RedisKeys.MCP_SERVER_LOG_PREFIX)) {
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
        List<String> followed = new ArrayList<>(stream.logs().size());
        try {
            for (String log : stream.logs()) {
                events.follow(log);
                followed.add(log);
            }
        } catch (RuntimeException e) {
            followed.forEach(events::unfollow);
            total.decrementAndGet();
            leave(byClient, stream.clientId(), stream);
            throw e;
        }
        for (String topicLog : stream.topicLogs()) {
            byTopic.computeIfAbsent(topicLog, key -> ConcurrentHashMap.newKeySet())
                    .add(stream);
        }
        all.add(stream);
        stream.onActivityMoved(activityMoved::add);
        if (!stream.heartbeatsByWriter()) {
            timedByTicker.add(stream);
        }
        changes.changed();
        CloseReason closing = closingAll;
        if (closing != null) {
            // opened while the replica stops (a balancer may still route here): it ends at once, with the reconnect
            // hint the others got, rather than hold the stop for SHUTDOWN_GRACE
            stream.close(closing);
        }
        return Admission.ADMITTED;
    }

    /** @param stream a stream that ended */
    public void remove(SseStream stream) {
        if (!all.remove(stream)) {
            return;
        }
        timedByTicker.remove(stream);
        total.decrementAndGet();
        leave(byClient, stream.clientId(), stream);
        for (String topicLog : stream.topicLogs()) {
            leave(byTopic, topicLog, stream);
        }
        stream.logs().forEach(events::unfollow);
        changes.changed();
    }

    /**
     * @return the streams held here that wrote events since the last call (their {@link SseStream#takeChangedInfo}
     *     has news): what the connection directory's refresh writes, without a walk of every stream
     */
    public List<SseStream> takeActivityMoved() {
        List<SseStream> moved = new ArrayList<>();
        SseStream stream;
        while ((stream = activityMoved.poll()) != null) {
            if (all.contains(stream)) {
                moved.add(stream);
            }
        }
        return moved;
    }

    /** @return told when a stream is admitted or removed (the monitoring sample sleeps while none is) */
    public ChangeSignal changes() {
        return changes;
    }

    private static void leave(Map<String, Set<SseStream>> byLog, String log, SseStream stream) {
        byLog.computeIfPresent(log, (key, set) -> {
            set.remove(stream);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Queues an event on every stream held here that follows its log.
     *
     * @param log   the log it was appended to: a client id, a topic's or an MCP stream's log key
     * @param event the event
     * @return whether a stream here follows the log
     */
    public boolean deliver(String log, ClientEvent event) {
        Collection<SseStream> streams = following(log);
        if (streams.isEmpty()) {
            return false;
        }
        // encoded once, written by every plain stream that follows the log
        EventFrame frame = new EventFrame(event);
        String key = streamKey(log);
        // an event loop takes the event once for all of its streams (usually one loop holds them all)
        FanOutWriter loop = null;
        List<SseStream> loopStreams = null;
        Map<FanOutWriter, List<SseStream>> otherLoops = null;
        for (SseStream s : streams) {
            FanOutWriter writer = s.fanOutWriter();
            if (writer == null) {
                s.offer(key, frame);
            } else if (!s.handOver()) {
                // closed, or just cut off for being too slow: nothing to hand over
                continue;
            } else if (loop == null || loop == writer) {
                if (loop == null) {
                    loop = writer;
                    loopStreams = new ArrayList<>(streams.size());
                }
                loopStreams.add(s);
            } else {
                if (otherLoops == null) {
                    otherLoops = new IdentityHashMap<>();
                }
                otherLoops.computeIfAbsent(writer, w -> new ArrayList<>()).add(s);
            }
        }
        if (loop != null) {
            loop.fanOut(key, frame, loopStreams);
        }
        if (otherLoops != null) {
            otherLoops.forEach((writer, batch) -> writer.fanOut(key, frame, batch));
        }
        return true;
    }

    /**
     * Queues events this replica missed while its fan-out connection was away (held back while the log's streams
     * caught up) on every stream here that follows their log, as one run each ({@link MissedEvents}), without
     * counting them against their queues' limits ({@link SseStream#offerMissed(MissedEvents)}).
     *
     * @param log    the log they were appended to
     * @param events the events, in order
     * @return whether any stream here follows the log
     */
    public boolean deliverMissed(String log, List<ClientEvent> events) {
        Collection<SseStream> streams = following(log);
        if (!streams.isEmpty()) {
            MissedEvents missed = MissedEvents.of(log, events);
            streams.forEach(s -> s.offerMissed(missed));
        }
        return !streams.isEmpty();
    }

    /**
     * @param log a log key
     * @return the key as the streams that follow it hold it: a topic's interned, so that each finds it by identity
     *     ({@code StreamPositions}) without reading its characters
     */
    public static String streamKey(String log) {
        return log.startsWith(RedisKeys.TOPIC_LOG_PREFIX) ? log.intern() : log;
    }

    /**
     * @param log a log key: a client id, a topic's or an MCP stream's
     * @return the streams here that follow it
     */
    public Collection<SseStream> following(String log) {
        Set<SseStream> streams = (log.startsWith(RedisKeys.TOPIC_LOG_PREFIX) ? byTopic : byClient).get(log);
        return streams == null ? List.of() : streams;
    }

    /** @return the number of topics some stream here follows */
    public int topicCount() {
        return byTopic.size();
    }

    /** @return each topic some stream here follows (its log key), with how many streams here follow it */
    public Map<String, Integer> topicSubscribers() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        byTopic.forEach((log, streams) -> counts.put(log, streams.size()));
        return counts;
    }

    /** @return the open streams whose heartbeats the shared ticker times */
    Collection<SseStream> timedByTicker() {
        return timedByTicker;
    }

    /**
     * The stream's writer times its heartbeats from now on ({@link SseStream#timeHeartbeatsByWriter()}); the ticker
     * no longer walks it.
     *
     * @param stream an admitted stream (or one already removed: nothing then)
     */
    void timedByWriter(SseStream stream) {
        stream.timeHeartbeatsByWriter();
        timedByTicker.remove(stream);
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

    /** @param reason closes every stream, and each admitted from now on, e.g. at shutdown */
    public void closeAll(CloseReason reason) {
        closingAll = reason;
        all.forEach(s -> s.close(reason));
    }
}
