package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.net.ReadMark;
import dev.switchboard.gateway.net.ReadWatch;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A kept-alive connection's wait, on its virtual thread, for the client's next request head: untimed reads that
 * {@link ReadWatch} ends at the wait's mark by closing the connection (a timed read would arm a JDK timer per
 * request). The mark is set once per head, so a client that trickles its head is bounded as a silent one is.
 */
final class HeadWait implements ReadWatch.Watched, AutoCloseable {
    private final SocketChannel channel;
    private final ReadMark mark = new ReadMark();

    private HeadWait(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * @param channel the connection, blocking
     * @return its wait, watched until {@link #close} (once the thread stops reading the connection)
     */
    static HeadWait watching(SocketChannel channel) {
        HeadWait wait = new HeadWait(channel);
        ReadWatch.SHARED.watch(wait);
        return wait;
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
        mark.arm(deadline);
        ReadWatch.SHARED.reading();
        int n;
        try {
            n = channel.read(into);
        } catch (IOException e) {
            if (mark.disarm()) {
                throw new SocketTimeoutException("no request head within the time-out");
            }
            throw e;
        }
        if (mark.disarm()) {
            throw new SocketTimeoutException("no request head within the time-out");
        }
        return n;
    }

    @Override
    public boolean reading() {
        return mark.reading();
    }

    @Override
    public void expireIfPast(long now) {
        if (!mark.expireIfPast(now)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    /** The thread stops reading the connection (it ends, or moves to another thread with a wait of its own). */
    @Override
    public void close() {
        ReadWatch.SHARED.unwatch(this);
    }
}
