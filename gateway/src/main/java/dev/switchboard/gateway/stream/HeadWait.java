package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.net.ReadWatch;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A kept-alive connection's wait, on its virtual thread, for the client's next request head: untimed reads that
 * {@link ReadWatch} ends at the wait's mark by closing the connection (a timed read would arm a JDK timer per
 * request). The mark is set once per head, so a client that trickles its head is bounded as a silent one is.
 */
final class HeadWait implements ReadWatch.Watched {
    private static final long NOT_WAITING = Long.MAX_VALUE;
    private static final long EXPIRED = Long.MIN_VALUE;

    private final SocketChannel channel;
    private final AtomicLong mark = new AtomicLong(NOT_WAITING);

    /** @param channel the connection, blocking */
    HeadWait(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * @param into     where the bytes go
     * @param deadline {@link System#nanoTime()} by which the head must be whole
     * @return bytes read, or -1 when the client closed the connection
     * @throws SocketTimeoutException when the deadline passed (the connection is then closed)
     */
    int read(ByteBuffer into, long deadline) throws IOException {
        if (System.nanoTime() - deadline >= 0) {
            throw new SocketTimeoutException("no request head within the time-out");
        }
        mark.set(deadline);
        ReadWatch.SHARED.begin(this);
        int n;
        try {
            n = channel.read(into);
        } catch (IOException e) {
            if (mark.getAndSet(NOT_WAITING) == EXPIRED) {
                throw new SocketTimeoutException("no request head within the time-out");
            }
            throw e;
        } finally {
            ReadWatch.SHARED.end(this);
        }
        if (mark.getAndSet(NOT_WAITING) == EXPIRED) {
            throw new SocketTimeoutException("no request head within the time-out");
        }
        return n;
    }

    @Override
    public boolean expireIfPast(long now) {
        long at = mark.get();
        if (at == NOT_WAITING || at == EXPIRED || now - at < 0 || !mark.compareAndSet(at, EXPIRED)) {
            return false;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
        return true;
    }
}
