package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.state.ClientEvent;
import java.util.List;

/**
 * What one log held after a position that this replica missed while its fan-out connection was away, read back once
 * for every local stream at that position. Each such stream queues it as one entry ({@link
 * SseStream#offerMissed(MissedEvents)}) and writes its events in turn: a catch-up then holds each event once, not
 * once per stream (10,000 streams of a topic that missed its log's 1,000 events would otherwise queue ten million
 * entries at once).
 */
public final class MissedEvents {
    private final List<QueuedEvent> events;

    /**
     * @param log    the log, as streams hold its key ({@link StreamHub#streamKey})
     * @param frames its events after the position, in order, each encoded once
     */
    public MissedEvents(String log, List<EventFrame> frames) {
        this.events = frames.stream().map(f -> new QueuedEvent(log, f)).toList();
    }

    /**
     * @param log    a log key
     * @param events its events after a position, in order
     * @return them for the log's streams: under the key the streams hold, each event encoded once
     */
    public static MissedEvents of(String log, List<ClientEvent> events) {
        return new MissedEvents(
                StreamHub.streamKey(log), events.stream().map(EventFrame::new).toList());
    }

    /** @return how many events */
    public int size() {
        return events.size();
    }

    /** @return whether there are none */
    public boolean isEmpty() {
        return events.isEmpty();
    }

    /** @return a stream's own pass over them */
    MissedRun run() {
        return new MissedRun(events);
    }

    /** One stream's place in a {@link MissedEvents}: its writer's cursor, one queue entry for all of them. */
    static final class MissedRun {
        private final List<QueuedEvent> events;
        private int next;

        private MissedRun(List<QueuedEvent> events) {
            this.events = events;
        }

        /** @return the event the stream writes next */
        QueuedEvent current() {
            return events.get(next);
        }

        /** @return whether events are left after the current one, which is taken */
        boolean advance() {
            return ++next < events.size();
        }
    }
}
