package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ConnectionInfo;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.gateway.topic.TopicNames;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One open SSE response. It has one writer: either the request's virtual thread ({@link #pump}), which
 * other threads unpark, or an event loop ({@link #drain}), which they wake through a callback. Other
 * threads {@link #offer} events and ask for heartbeats. While idle the stream holds no buffer and no
 * timer: an empty queue and a few fields. Events are written in id order and never twice per log; a client
 * that stops reading is cut off when its queue is full (its events stay in the log for replay).
 *
 * <p>A stream follows its client's log and, for a topic stream, one log per topic. Such a stream keeps one
 * position per log and its event ids are {@link ResumeToken}s of all of them; a stream of one log keeps the
 * plain event ids of that log.
 */
public final class SseStream {
    private final String connectionId;
    private final String clientId;
    private final String userId;
    private final Map<String, String> metadata;
    private final Instant createdAt;
    private final String replica;
    private final int maxQueue;
    private final HeartbeatFormat heartbeatFormat;
    /**
     * {@link QueuedEvent}s, and {@link MissedEvents.MissedRun}s (one entry for many missed events): any thread adds,
     * the writer alone takes.
     */
    private final MpscQueue<Object> queue = new MpscQueue<>();
    /** Where the stream stands in each log it follows: the client's first, then each topic's. */
    private final StreamPositions positions;
    /** The topics followed, by name (the connection directory's; made once, not at each refresh of it). */
    private final List<String> topics;
    /** Whether ids are {@link ResumeToken}s (more than the client's log is followed); {@link #positions}' own. */
    private final boolean composite;

    private final AtomicInteger queued = new AtomicInteger();
    /**
     * Events handed to this stream's fan-out writer and not yet taken by it: they count against {@link #maxQueue}
     * with the queue's, so a client that stops reading is cut off at the same depth, on the delivering thread,
     * however far the writer is behind (and what waits for the writer stays bounded).
     */
    private final AtomicInteger handedOver = new AtomicInteger();
    /**
     * Queued events this replica missed while its fan-out connection was away ({@link #offerMissed}): they count
     * in {@link #queued} but not against {@link #maxQueue}, for a client that reads every byte would otherwise be
     * cut off for the replica's own outage. A catch-up reads at most the log's bound, once for the streams at one
     * position ({@link MissedEvents}, one entry each), so they stay bounded.
     */
    private final AtomicInteger missed = new AtomicInteger();

    private volatile Thread writer;
    private volatile Runnable waker;
    private volatile CloseReason closeReason;
    private volatile boolean heartbeatDue;
    /** Set when the writer times its own heartbeats (an event loop): the shared ticker then leaves it alone. */
    private volatile boolean heartbeatsByWriter;
    /** Writes each event its own way (null bytes: skipped), or null to write events as logged. */
    private volatile Function<ClientEvent, byte[]> encoder;
    /** The event loop that writes this stream and takes its fan-outs in one hand-over, or null. */
    private volatile FanOutWriter fanOutWriter;
    /** The fan-out writer's own state for this stream (its connection); set before {@link #fanOutWriter}. */
    private Object writerSlot;

    private volatile long lastActivityMillis;
    private volatile boolean activityChanged;
    /** Told at the first event written after each {@link #takeChangedInfo}: the directory refresh's queue. */
    private volatile Consumer<SseStream> onActivityMoved;

    /** Owned by the heartbeat ticker. */
    long nextHeartbeatNanos;

    /**
     * @param connectionId    unique id of this connection
     * @param clientId        client id
     * @param userId          user id header, or null
     * @param metadata        query parameters
     * @param createdAt       open time
     * @param replica         this replica's id
     * @param maxQueue        events queued before the client counts as too slow
     * @param heartbeatFormat the bytes of one heartbeat for this stream
     */
    public SseStream(
            String connectionId,
            String clientId,
            String userId,
            Map<String, String> metadata,
            Instant createdAt,
            String replica,
            int maxQueue,
            HeartbeatFormat heartbeatFormat) {
        this(connectionId, clientId, List.of(), userId, metadata, createdAt, replica, maxQueue, heartbeatFormat);
    }

    /**
     * @param connectionId    unique id of this connection
     * @param clientId        client id (the key of the client's own log)
     * @param topicLogs       the log keys of the topics it follows too, in the request's order
     * @param userId          user id header, or null
     * @param metadata        query parameters
     * @param createdAt       open time
     * @param replica         this replica's id
     * @param maxQueue        events queued before the client counts as too slow
     * @param heartbeatFormat the bytes of one heartbeat for this stream
     */
    public SseStream(
            String connectionId,
            String clientId,
            List<String> topicLogs,
            String userId,
            Map<String, String> metadata,
            Instant createdAt,
            String replica,
            int maxQueue,
            HeartbeatFormat heartbeatFormat) {
        List<String> all = new ArrayList<>(topicLogs.size() + 1);
        all.add(clientId);
        for (String topicLog : topicLogs) {
            // one instance per topic, shared by its streams and the fan-out (logIndex)
            all.add(topicLog.intern());
        }
        this.positions = new StreamPositions(List.copyOf(all));
        this.topics = topicLogs.stream().map(TopicNames::topicOf).toList();
        this.composite = positions.composite();
        this.connectionId = connectionId;
        this.clientId = clientId;
        this.userId = userId;
        this.metadata = Map.copyOf(metadata);
        this.createdAt = createdAt;
        this.replica = replica;
        this.maxQueue = maxQueue;
        this.heartbeatFormat = heartbeatFormat;
        this.lastActivityMillis = createdAt.toEpochMilli();
    }

    /**
     * Queues an event; called from any thread.
     *
     * @param event the event
     * @return false when the stream is closed or has just been closed for being too slow
     */
    public boolean offer(ClientEvent event) {
        return offer(clientId, event);
    }

    /**
     * Queues an event of one of the logs this stream follows; called from any thread.
     *
     * @param log   the log it was appended to
     * @param event the event
     * @return false when the stream is closed or has just been closed for being too slow
     */
    public boolean offer(String log, ClientEvent event) {
        return offer(log, new EventFrame(event));
    }

    /**
     * Queues an event of one of the logs this stream follows, sharing its encoding with the other streams it
     * goes to; called from any thread.
     *
     * @param log   the log it was appended to
     * @param frame the event and its shared encoding
     * @return false when the stream is closed or has just been closed for being too slow
     */
    public boolean offer(String log, EventFrame frame) {
        if (!enqueue(log, frame)) {
            return false;
        }
        wake();
        return true;
    }

    /**
     * Queues the events of a log that this replica missed while its fan-out connection was away (read back from the
     * log, or held back while that ran), shared by every stream that queues them: one queue entry for all of them,
     * which counts as one, and not against the queue's limit, as the client was not the slow one. Called from any
     * thread.
     *
     * @param events what the log held after this stream's position
     * @return false when the stream is closed
     */
    public boolean offerMissed(MissedEvents events) {
        if (closeReason != null) {
            return false;
        }
        if (events.isEmpty()) {
            return true;
        }
        // in this order (and the reverse when taken), a count read meanwhile is never the larger
        missed.incrementAndGet();
        queued.incrementAndGet();
        queue.add(events.run());
        wake();
        return true;
    }

    /**
     * Queues an event without waking the writer: for the writer itself (an event loop queueing a fan-out behind
     * what a stream still has to write), which flushes the stream after.
     *
     * @param log   the log it was appended to
     * @param frame the event and its shared encoding
     * @return false when the stream is closed or has just been closed for being too slow
     */
    public boolean enqueue(String log, EventFrame frame) {
        if (!countIn(queued, handedOver)) {
            return false;
        }
        queue.add(new QueuedEvent(log, frame));
        return true;
    }

    /**
     * Counts an event about to be handed to this stream's fan-out writer ({@link StreamHub#deliver}) against the
     * queue's limit; the writer calls {@link #taken} when it takes it. Called from any thread.
     *
     * @return false, and the event is not to be handed over, when the stream is closed or has just been closed for
     *         being too slow
     */
    boolean handOver() {
        return countIn(handedOver, queued);
    }

    /**
     * Counts one more event waiting for the writer in {@code counter}, against the limit shared with {@code other}:
     * past it the stream is closed for being too slow and the event is not counted.
     *
     * @return false when the stream is closed or has just been closed
     */
    private boolean countIn(AtomicInteger counter, AtomicInteger other) {
        if (closeReason != null) {
            return false;
        }
        int waiting = counter.incrementAndGet() + other.get();
        // the missed ones are read only past the limit: a fan-out to 10,000 streams touches nothing more per stream
        if (waiting > maxQueue && waiting - missed.get() > maxQueue) {
            counter.decrementAndGet();
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /** The fan-out writer took an event handed over for this stream ({@link #handOver}); before it writes it. */
    public void taken() {
        handedOver.decrementAndGet();
    }

    /** Asks the writer for a heartbeat; called by the ticker. */
    public void requestHeartbeat() {
        heartbeatDue = true;
        wake();
    }

    /**
     * Makes a heartbeat due without waking anyone: for a writer that times its own heartbeats and is about to
     * {@link #drain}.
     */
    public void heartbeatDueNow() {
        heartbeatDue = true;
    }

    /**
     * The writer times this stream's heartbeats from now on ({@link HeartbeatTicker#takeDue}); the shared
     * ticker skips it. Call before its first heartbeat is due.
     */
    public void timeHeartbeatsByWriter() {
        heartbeatsByWriter = true;
    }

    /**
     * Writes this stream's events its own way from now on (set it before the stream is admitted): the position in
     * the log still advances past every event, and an event the encoder answers null for is skipped. For a stream
     * that shows each client its own view of a shared log (an MCP {@code subscriptions/listen} stream filters the
     * server's pushes and stamps its subscription id on each).
     *
     * @param encoder the bytes to write for an event, or null to skip it; runs on the writer's thread
     */
    public void encodeWith(Function<ClientEvent, byte[]> encoder) {
        this.encoder = encoder;
    }

    /** @return whether the writer times this stream's heartbeats */
    boolean heartbeatsByWriter() {
        return heartbeatsByWriter;
    }

    private void wake() {
        LockSupport.unpark(writer);
        Runnable w = waker;
        if (w != null) {
            w.run();
        }
    }

    /**
     * Makes an event loop this stream's writer: the callback runs (on any thread) whenever there is
     * something to {@link #drain}, or the stream closed.
     *
     * @param callback schedules a drain; must not block
     */
    public void wakeWith(Runnable callback) {
        this.waker = callback;
        callback.run();
    }

    /**
     * Makes an event loop that already {@link #wakeWith wakes} for this stream take its fan-outs too: one hand-over
     * per event for all of the loop's streams of a log ({@link StreamHub#deliver}) instead of one offer each.
     * Called by that loop.
     *
     * @param writer the loop's fan-out entry
     * @param slot   what the loop keeps for this stream, handed back by {@link #writerSlot}
     */
    public void writtenBy(FanOutWriter writer, Object slot) {
        this.writerSlot = slot;
        this.fanOutWriter = writer;
    }

    /** @return the loop that takes this stream's fan-outs, or null (events are {@link #offer}ed) */
    FanOutWriter fanOutWriter() {
        return fanOutWriter;
    }

    /** @return what the fan-out writer keeps for this stream ({@link #writtenBy}) */
    public Object writerSlot() {
        return writerSlot;
    }

    /** What {@link #putEvent} did. */
    public enum Put {
        /** The event is in the buffer; the stream's position moved past it. */
        WRITTEN,
        /** The stream has it already (or its encoder leaves it out): nothing to write. */
        SKIPPED,
        /** Nothing was put: something of the stream waits before it, or it does not fit; {@link #offer} it. */
        LATER
    }

    /**
     * Puts an event straight into the writer's buffer when nothing of this stream waits before it (no queued
     * event, no heartbeat due, not closed): an event loop's fan-out writes most streams this way, without a
     * queue entry or a chunk. Called by the writer only.
     *
     * @param log   the log it was appended to
     * @param frame the event and its shared encoding
     * @param out   the writer's buffer, receiving the bytes at its position
     * @return what was done
     */
    public Put putEvent(String log, EventFrame frame, java.nio.ByteBuffer out) {
        if (closeReason != null || heartbeatDue || queued.get() != 0) {
            return Put.LATER;
        }
        int index = positions.newIn(log, frame.event().id());
        if (index < 0) {
            return Put.SKIPPED;
        }
        Put put = putAt(index, frame, out);
        if (put == Put.WRITTEN) {
            markActivity();
        }
        return put;
    }

    /**
     * The writer's: puts an event new in the log at {@code index} into its buffer and moves the position there,
     * unless it does not fit (then nothing moves).
     *
     * @return {@link Put#WRITTEN}; {@link Put#SKIPPED} when this stream's encoder skips it (the position moved);
     *         {@link Put#LATER} when it does not fit what is left of {@code out}
     */
    private Put putAt(int index, EventFrame frame, java.nio.ByteBuffer out) {
        ClientEvent event = frame.event();
        Function<ClientEvent, byte[]> own = encoder;
        if (own == null && composite) {
            byte[] body = frame.body();
            byte[] position = frame.tokenPosition();
            if (positions.idLineLengthWith(index, position) + body.length > out.remaining()) {
                return Put.LATER;
            }
            positions.move(index, event.id(), position);
            positions.putIdLine(out);
            out.put(body);
            return Put.WRITTEN;
        }
        byte[] bytes = own != null ? own.apply(event) : frame.bytes();
        if (bytes != null && bytes.length > out.remaining()) {
            return Put.LATER;
        }
        positions.move(index, event.id(), null);
        if (bytes == null) {
            return Put.SKIPPED;
        }
        out.put(bytes);
        return Put.WRITTEN;
    }

    /**
     * Ends the stream. A slow consumer's writer may be stuck in a write: it is interrupted, which closes
     * the socket; otherwise the writer ends the response cleanly.
     *
     * @param reason why
     */
    public void close(CloseReason reason) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        Thread w = writer;
        if (reason == CloseReason.SLOW_CONSUMER && w != null) {
            w.interrupt();
        }
        wake();
    }

    /**
     * Takes what is due, for the writer (either kind): the queued events not yet written, then a heartbeat if
     * one is due, encoded as one chunk. Called by the writer only.
     *
     * @return the chunk, or null when nothing is due
     */
    public SseChunk drain() {
        // the parts as they are (a fan-out's are shared by every plain stream), never joined here
        byte[][] parts = null;
        int count = 0;
        int length = 0;
        int events = 0;
        QueuedEvent next;
        while ((next = head()) != null) {
            takeHead();
            EventFrame frame = next.frame();
            ClientEvent event = frame.event();
            if (!positions.advance(next.log(), event.id(), composite ? frame.tokenPosition() : null)) {
                continue;
            }
            Function<ClientEvent, byte[]> own = encoder;
            if (own == null && composite) {
                // its own id line (the resume token), then the event's fields, which every stream shares
                byte[] idLine = positions.idLine();
                byte[] body = frame.body();
                parts = add(parts, count++, idLine);
                parts = add(parts, count++, body);
                length += idLine.length + body.length;
                events++;
                continue;
            }
            // a plain stream writes the event with its own id: the bytes every such stream shares
            byte[] bytes = own != null ? own.apply(event) : frame.bytes();
            if (bytes == null) {
                continue;
            }
            parts = add(parts, count++, bytes);
            length += bytes.length;
            events++;
        }
        boolean heartbeat = heartbeatDue;
        if (heartbeat) {
            heartbeatDue = false;
            byte[] beat = heartbeatFormat.bytes(this);
            parts = add(parts, count++, beat);
            length += beat.length;
        }
        if (count == 0) {
            return null;
        }
        if (events > 0) {
            markActivity();
        }
        return new SseChunk(parts, count, length, events, heartbeat);
    }

    /**
     * What {@link #drainTo} put into a writer's buffer: one per writer, reused, so a drain allocates nothing.
     */
    public static final class Drained {
        private int events;
        private boolean heartbeat;
        private boolean tooLarge;

        /** @return events put */
        public int events() {
            return events;
        }

        /** @return whether a heartbeat ends what was put */
        public boolean heartbeat() {
            return heartbeat;
        }

        /**
         * @return whether nothing was put because the first event due is larger than the whole buffer: {@link
         *         #drain} takes it instead
         */
        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /**
     * Takes what is due straight into an event loop's buffer, as {@link #drain} would take it: the queued events
     * not yet written while they fit, then a due heartbeat once no event waits. No chunk, no parts and no id line
     * of its own per event (a composite stream's id line is encoded in place): under a fan-out that outruns the
     * loop, those were most of what the loop allocated per stream per event (JFR, bench/notes.md). An event that
     * does not fit what is left of the buffer stays queued for the next call. Called by the writer only.
     *
     * @param out    the writer's buffer, receiving the bytes at its position
     * @param result receives what was put
     */
    public void drainTo(java.nio.ByteBuffer out, Drained result) {
        int start = out.position();
        int events = 0;
        boolean fits = true;
        QueuedEvent next;
        while ((next = head()) != null) {
            EventFrame frame = next.frame();
            int index = positions.newIn(next.log(), frame.event().id());
            Put put = index < 0 ? Put.SKIPPED : putAt(index, frame, out);
            if (put == Put.LATER) {
                fits = false;
                break;
            }
            takeHead();
            if (put == Put.WRITTEN) {
                events++;
            }
        }
        boolean heartbeat = false;
        if (fits && heartbeatDue) {
            heartbeatDue = false;
            if (heartbeatFormat.writeTo(this, out)) {
                heartbeat = true;
            } else {
                heartbeatDue = true;
                fits = false;
            }
        }
        if (events > 0) {
            markActivity();
        }
        result.events = events;
        result.heartbeat = heartbeat;
        result.tooLarge = !fits && out.position() == start;
    }

    /** The writer's: the event at the queue's head (a run of missed events': its current one), or null. */
    private QueuedEvent head() {
        Object head = queue.peek();
        return head instanceof MissedEvents.MissedRun run ? run.current() : (QueuedEvent) head;
    }

    /** The writer's: takes the event {@link #head} returned; an entry taken off the queue no longer counts. */
    private void takeHead() {
        Object head = queue.peek();
        if (head instanceof MissedEvents.MissedRun run && run.advance()) {
            return;
        }
        queue.poll();
        queued.decrementAndGet();
        if (head instanceof MissedEvents.MissedRun) {
            missed.decrementAndGet();
        }
    }

    /**
     * Puts a heartbeat into the writer's buffer when it is all there is to write (no event waiting, not closed): an
     * event loop's heartbeat then needs no {@link SseChunk} and, in a format that encodes in place, no bytes of its
     * own. Called by the writer only; an event offered meanwhile is written after it, as it would be anyway.
     *
     * @param out the writer's buffer
     * @return whether the heartbeat was put (else nothing was: {@link #heartbeatDueNow} and {@link #drain})
     */
    public boolean heartbeatAlone(java.nio.ByteBuffer out) {
        if (closeReason != null || queued.get() != 0) {
            return false;
        }
        return heartbeatFormat.writeTo(this, out);
    }

    private static byte[][] add(byte[][] parts, int at, byte[] part) {
        if (parts == null) {
            parts = new byte[2][];
        } else if (at == parts.length) {
            parts = java.util.Arrays.copyOf(parts, at * 2);
        }
        parts[at] = part;
        return parts;
    }

    /** @return why the stream closed, or null while it is open */
    public CloseReason closeReason() {
        return closeReason;
    }

    /**
     * Sets the position of the stream: events up to this id are not written.
     *
     * @param id last event id the client has
     */
    public void startAfter(String id) {
        positions.startAfter(id);
    }

    /**
     * Sets the position in every log followed (before any event is written): events up to them are not
     * written.
     *
     * @param starts one event id per log, in the order of {@link #logs}
     */
    public void startAt(String[] starts) {
        positions.startAt(starts);
    }

    /**
     * Encodes an event read from a log (replay, before live events), advancing the position in that log.
     *
     * @param log   the log it was read from
     * @param event the event
     * @return the bytes to write, or null when the stream already has it
     */
    public byte[] encodeReplayed(String log, ClientEvent event) {
        if (!positions.advance(log, event.id(), null)) {
            return null;
        }
        markActivity();
        return SseEncoder.event(lastSentId(), event.type(), event.data());
    }

    /** @return the logs followed: the client's, then each topic's */
    public List<String> logs() {
        return positions.logs();
    }

    /** @return the topic logs followed (none for a plain client stream) */
    public List<String> topicLogs() {
        List<String> logs = positions.logs();
        return logs.subList(1, logs.size());
    }

    /**
     * @return per log, the position written up to (null where the stream has none yet); read from another
     *         thread it may lag, which only makes a catch-up re-read events the writer then skips
     */
    public Map<String, String> positions() {
        return positions.byLog();
    }

    /**
     * Writes queued events and heartbeats until the stream is closed or a write fails.
     *
     * @param out     the response stream
     * @param onWrite called with the number of events after each flush (metrics)
     * @return why the stream ended
     */
    public CloseReason pump(OutputStream out, EventCounter onWrite) {
        writer = Thread.currentThread();
        try {
            while (closeReason == null) {
                // the same take as an event loop's, so both writers skip and order events alike
                SseChunk chunk = drain();
                if (chunk == null) {
                    LockSupport.park(this);
                    continue;
                }
                out.write(chunk.bytes());
                out.flush();
                onWrite.written(chunk.events(), chunk.heartbeat());
            }
            return closeReason;
        } catch (IOException | RuntimeException e) {
            if (closeReason == null) {
                closeReason = CloseReason.CLIENT_GONE;
            }
            return closeReason;
        } finally {
            writer = null;
            Thread.interrupted();
        }
    }

    private void markActivity() {
        lastActivityMillis = System.currentTimeMillis();
        if (!activityChanged) {
            activityChanged = true;
            Consumer<SseStream> listener = onActivityMoved;
            if (listener != null) {
                listener.accept(this);
            }
        }
    }

    /**
     * Asks to be told when this stream's activity moves: once at the first event written after each
     * {@link #takeChangedInfo}, so that the directory refresh visits only the streams that wrote events instead of
     * walking every stream (bench/notes.md, "ninth session"). Told at once when it has moved already.
     *
     * @param listener told on the writing thread (an event loop); must not block
     */
    public void onActivityMoved(Consumer<SseStream> listener) {
        onActivityMoved = listener;
        if (activityChanged) {
            listener.accept(this);
        }
    }

    /**
     * @return the connection's record when its activity moved since the last call, else null
     */
    public ConnectionInfo takeChangedInfo() {
        if (!activityChanged) {
            return null;
        }
        activityChanged = false;
        return info();
    }

    /** @return the connection's record */
    public ConnectionInfo info() {
        return new ConnectionInfo(
                connectionId,
                clientId,
                userId,
                metadata,
                createdAt,
                Instant.ofEpochMilli(lastActivityMillis),
                replica,
                topics);
    }

    /** @return when the stream opened */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return connection id */
    public String connectionId() {
        return connectionId;
    }

    /** @return client id */
    public String clientId() {
        return clientId;
    }

    /** @return id of the last event written, or null */
    public String lastSentId() {
        return positions.lastSentId();
    }

    /** @return whether the stream has ended or is ending */
    public boolean isClosed() {
        return closeReason != null;
    }

    /** Receives write counts from {@link #pump}. */
    @FunctionalInterface
    public interface EventCounter {
        /**
         * @param events    events written in this flush
         * @param heartbeat whether a heartbeat was written
         */
        void written(int events, boolean heartbeat);
    }
}
