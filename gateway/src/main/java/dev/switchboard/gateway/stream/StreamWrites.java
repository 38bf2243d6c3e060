package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.EventFrame;
import dev.switchboard.gateway.sse.FanOutWriter;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.MpscQueue;
import dev.switchboard.gateway.sse.SseChunk;
import dev.switchboard.gateway.sse.SseStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.List;

/**
 * What one event loop ({@link StreamListener}) writes to its open streams' sockets: events fanned out to them,
 * their heartbeats, and whatever a stream is woken for. Writing costs per socket only what cannot be shared: an
 * event fanned out to many plain streams is written from one shared encoding ({@link EventFrame}) through one
 * direct buffer the loop owns, so a write allocates nothing unless the socket cannot take it all; whatever is due
 * for a socket goes in one write; a socket that would block keeps the rest as its pending bytes and waits for
 * {@code OP_WRITE}. Loop thread only, except {@link #fanOut} (the hand-over, any thread).
 */
final class StreamWrites implements FanOutWriter {
    /** The loop's write buffer: larger writes (a long replay) go from their own array. */
    static final int WRITE_BUFFER = 64 * 1024;

    /** How the loop ends what a write found gone or finished. */
    interface Ends {
        /** An open stream ends (its client left, or the stream was closed): the stream's finish runs. */
        void end(LoopConnection c, CloseReason reason);

        /** The connection closes: its whole answer is written. */
        void close(LoopConnection c);
    }

    /** An event for the streams of this loop that follow its log. */
    private record FanOut(String log, EventFrame frame, List<SseStream> streams) {}

    private final GatewayMetrics metrics;
    private final HeartbeatTicker heartbeats;
    /** Woken when an event is handed over. */
    private final Selector selector;

    private final Ends ends;
    /** Events handed over for this loop's streams of their logs: one entry per event, not one wake-up per stream. */
    private final MpscQueue<FanOut> fanOuts = new MpscQueue<>();
    /** Loop thread: the connections a pass of queued fan-outs put events on, each flushed once after the pass. */
    private final ArrayDeque<LoopConnection> queuedOn = new ArrayDeque<>();
    /** Loop thread only: every write goes through it (one copy from a shared encoding, then the socket). */
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
    /** The loop's: what the last {@link SseStream#drainTo} put into {@link #writeBuffer}. */
    private final SseStream.Drained drained = new SseStream.Drained();

    /**
     * @param metrics    the written events and heartbeats are counted here
     * @param heartbeats the streams' heartbeat timing (the loop's wheel visits them)
     * @param selector   the loop's selector, woken by a hand-over
     * @param ends       how the loop ends a stream or a connection
     */
    StreamWrites(GatewayMetrics metrics, HeartbeatTicker heartbeats, Selector selector, Ends ends) {
        this.metrics = metrics;
        this.heartbeats = heartbeats;
        this.selector = selector;
        this.ends = ends;
    }

    /**
     * Loop thread: the events handed over since the last pass. A lone event is written straight to each stream;
     * when more are waiting (publishers ahead of the loop), they are queued on their streams, whose flush then
     * writes all of a stream's events at once: one write per socket rather than one per event (measured: writing
     * each event at once cut the sustained deliveries of a 10,000-subscriber topic under load by half).
     */
    void writeFanOuts() {
        FanOut first = fanOuts.poll();
        if (first == null) {
            return;
        }
        int written = fanOuts.isEmpty() ? writeNow(first) : 0;
        if (written == first.streams().size()) {
            return;
        }
        queue(first, written);
        FanOut next;
        while ((next = fanOuts.poll()) != null) {
            queue(next, 0);
        }
        LoopConnection c;
        while ((c = queuedOn.poll()) != null) {
            c.queuedOn = false;
            flush(c);
        }
    }

    /** Loop thread: an event goes on the queues of its streams from {@code from} on; each is flushed once after. */
    private void queue(FanOut event, int from) {
        List<SseStream> batch = event.streams();
        for (int i = from; i < batch.size(); i++) {
            SseStream stream = batch.get(i);
            stream.taken();
            LoopConnection c = (LoopConnection) stream.writerSlot();
            if (stream.enqueue(event.log(), event.frame()) && !c.queuedOn) {
                c.queuedOn = true;
                queuedOn.add(c);
            }
        }
    }

    /** Any thread: an event for this loop's streams of its log. */
    @Override
    public void fanOut(String log, EventFrame frame, List<SseStream> batch) {
        fanOuts.add(new FanOut(log, frame, batch));
        selector.wakeup();
    }

    /**
     * Loop thread: one event for this loop's streams of its log. Each stream with nothing waiting gets it written
     * straight through the loop's buffer; the others queue it behind what waits (their wake-up flushes them). Stops
     * early when another event is handed over meanwhile, so that the rest of the streams get both in one write.
     *
     * @return how many of the event's streams were done (all, unless it stopped early)
     */
    private int writeNow(FanOut event) {
        List<SseStream> batch = event.streams();
        String log = event.log();
        EventFrame frame = event.frame();
        int events = 0;
        int i = 0;
        for (; i < batch.size(); i++) {
            if ((i & 63) == 63 && !fanOuts.isEmpty()) {
                break;
            }
            SseStream stream = batch.get(i);
            stream.taken();
            LoopConnection c = (LoopConnection) stream.writerSlot();
            if (c.closed || c.stream != stream) {
                continue;
            }
            if (c.pending == null) {
                writeBuffer.clear();
                SseStream.Put put = stream.putEvent(log, frame, writeBuffer);
                if (put == SseStream.Put.SKIPPED) {
                    continue;
                }
                if (put == SseStream.Put.WRITTEN) {
                    events++;
                    writeBuffer.flip();
                    writeOut(c);
                    continue;
                }
            }
            stream.offer(log, frame);
        }
        metrics.written(events, false);
        return i;
    }

    /** Loop thread: writes the loop's buffer to a stream's socket; a socket that would block waits for OP_WRITE. */
    private void writeOut(LoopConnection c) {
        try {
            if (!writeBuffered(c)) {
                c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            ends.end(c, CloseReason.CLIENT_GONE);
        }
    }

    /** Loop thread: writes what is pending, then what the stream has due, until the socket is full. */
    void flush(LoopConnection c) {
        if (c.closed) {
            return;
        }
        try {
            while (true) {
                if (c.pending != null) {
                    c.channel.write(c.pending);
                    if (c.pending.hasRemaining()) {
                        c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                        return;
                    }
                    c.pending = null;
                    if (c.closeAfterWrite) {
                        ends.close(c);
                        return;
                    }
                }
                if (c.stream == null) {
                    c.key.interestOps(0);
                    return;
                }
                SseStream stream = c.stream;
                CloseReason reason = stream.closeReason();
                if (reason != null) {
                    ends.end(c, reason);
                    return;
                }
                writeBuffer.clear();
                stream.drainTo(writeBuffer, drained);
                // an event larger than the loop's buffer goes from an array of its own
                SseChunk large = writeBuffer.position() == 0 && drained.tooLarge() ? stream.drain() : null;
                boolean written;
                if (writeBuffer.position() > 0) {
                    metrics.written(drained.events(), drained.heartbeat());
                    writeBuffer.flip();
                    written = writeBuffered(c);
                } else if (large != null) {
                    metrics.written(large.events(), large.heartbeat());
                    written = writeOwn(c, large);
                } else {
                    c.key.interestOps(SelectionKey.OP_READ);
                    return;
                }
                if (!written) {
                    c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
            }
        } catch (IOException e) {
            ends.end(c, CloseReason.CLIENT_GONE);
        }
    }

    /**
     * Loop thread: writes a chunk too large for the loop's buffer from an array of its own, which stays the
     * connection's pending bytes until the socket has taken them all.
     *
     * @return whether everything was written
     */
    private boolean writeOwn(LoopConnection c, SseChunk chunk) throws IOException {
        c.pending = ByteBuffer.wrap(chunk.bytes());
        c.channel.write(c.pending);
        if (c.pending.hasRemaining()) {
            return false;
        }
        c.pending = null;
        return true;
    }

    /**
     * Loop thread: writes the loop's buffer to a stream's socket; what the socket did not take becomes the
     * connection's pending bytes, in a buffer of its own.
     *
     * @return whether everything was written
     */
    private boolean writeBuffered(LoopConnection c) throws IOException {
        c.channel.write(writeBuffer);
        if (!writeBuffer.hasRemaining()) {
            return true;
        }
        c.pending =
                ByteBuffer.allocate(writeBuffer.remaining()).put(writeBuffer).flip();
        return false;
    }

    /**
     * Loop thread, for each stream of a heartbeat tick's slot: when its heartbeat is due it goes now, together
     * with anything else the stream has due (one write). Phases stay per stream, as the ticker keeps them.
     *
     * @return when its next heartbeat is due
     */
    long beat(LoopConnection c, long now) {
        SseStream stream = c.stream;
        if (heartbeats.takeDue(stream, now) && !beatAlone(c, stream)) {
            stream.heartbeatDueNow();
            flush(c);
        }
        return heartbeats.dueNanos(stream);
    }

    /**
     * Loop thread: a heartbeat with nothing else to write (the usual case on an idle stream) is encoded straight
     * into the loop's buffer and written: no chunk, no bytes of its own.
     *
     * @return false, with nothing written, when something else waits (then it goes with that, through the drain)
     */
    private boolean beatAlone(LoopConnection c, SseStream stream) {
        if (c.pending != null) {
            return false;
        }
        writeBuffer.clear();
        if (!stream.heartbeatAlone(writeBuffer)) {
            return false;
        }
        writeBuffer.flip();
        metrics.written(0, true);
        writeOut(c);
        return true;
    }
}
