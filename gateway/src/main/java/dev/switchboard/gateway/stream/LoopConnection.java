package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connection an event loop accepted ({@link StreamListener}), from its head to its end, and what the loop's
 * writes ({@link StreamWrites}) keep of it. Loop thread only, except {@link #scheduled}.
 */
final class LoopConnection extends HeartbeatWheel.Entry {
    final SocketChannel channel;
    /** When its head must be whole: from its accept, or from its previous answer on a kept-alive connection. */
    long headDeadline;
    /** The capped address its head will count against if it is overdue (null: not capped, or counted already). */
    InetAddress cappedAddress;
    /** The address its overdue head is counted against, until the head is read (null: not counted). */
    InetAddress pendingAddress;

    SelectionKey key;
    /** Its head as read so far; null once the head is whole (or refused). */
    ByteBuffer head = ByteBuffer.allocate(512);
    /** The open stream and how it ends (null until it opens). */
    SseStream stream;

    Consumer<CloseReason> finish;
    /** Bytes the socket did not take yet: written before anything else. */
    ByteBuffer pending;
    /** Whether the connection closes once {@link #pending} is written (a whole answer). */
    boolean closeAfterWrite;
    /** Whether its request is a {@code HEAD}: a whole answer to it goes without its body. */
    boolean headOnly;

    boolean closed;
    /** Whether it waits in the loop's ready queue (any thread sets it, the loop clears it). */
    final AtomicBoolean scheduled = new AtomicBoolean();
    /** Loop thread: whether it waits for a flush after a pass of queued fan-outs. */
    boolean queuedOn;

    LoopConnection(SocketChannel channel, long headDeadline) {
        this.channel = channel;
        this.headDeadline = headDeadline;
    }
}
