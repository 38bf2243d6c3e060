package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.http.RawAnswer;
import dev.switchboard.gateway.net.OnDemandTicks;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.media.ReadableEntity;
import io.helidon.webserver.http.Filter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Helidon listener's guard over connections that have not sent a whole request head yet, which
 * Helidon itself never times out: its blocking read of a connection's first bytes has no deadline and
 * its idle-connection sweep only sees connections whose protocol is known (measured: a silent
 * connection to {@code PORT} stayed open past 330 s).
 * <p>
 * Helidon offers no accept callback, but it hands every accepted socket to the listener's
 * {@link SocketOptions#configureSocket(SocketChannel)} on its accept thread before reading from it; this
 * class is those options. There each connection is registered; a {@link #filter()} first in the routing
 * marks its head received. A connection still registered after {@code REQUEST_HEAD_TIMEOUT} is closed,
 * which ends Helidon's read (logged by Helidon at TRACE only) and returns its permit. Beyond the
 * listener's share for silent connections the oldest is closed for a new one. A connection's head counts
 * against its address once it is overdue ({@link AddressLimits#headOverdueAfter}); one beyond
 * {@code MAX_PENDING_HEADS_PER_IP} overdue heads gets a 429 then, and an address holding as many gets one at
 * accept. Throwing from this method is Helidon's own path for a socket that cannot be handled: it closes it
 * and returns the permit.
 */
public final class AcceptGuard implements SocketOptions {
    private final SocketOptions options;
    private final long headTimeoutNanos;
    /** How long before its deadline a head is overdue. */
    private final long overdueBeforeDeadlineNanos;

    private final int maxPending;
    private final AddressLimits limits;
    /** In accept order, so also in deadline order. Guarded by this. */
    private final LinkedHashMap<SocketAddress, Pending> pending = new LinkedHashMap<>();
    /**
     * {@code pending.size()}, readable without the lock: a request on a connection that sent its head long ago
     * (every request of a keep-alive connection but its first) finds nothing pending and takes no lock.
     * Written under the lock; a connection is registered at accept, before Helidon reads its first request.
     */
    private volatile int pendingCount;
    /**
     * Every connection accepted, by peer, so that a request's body can be bounded in time on whatever connection it
     * comes; closed ones are dropped by the sweeps.
     */
    private final Map<SocketAddress, SocketChannel> channels = new ConcurrentHashMap<>();
    /**
     * Requests whose body is not read whole yet, by peer. Helidon reads a body with no deadline, the route's read or,
     * when the route answered without it, its own drain after the answer: a client trickling a body held its
     * connection, and 64 of them took every connection of the listener, its probes' included.
     */
    private final Map<SocketAddress, Body> bodies = new ConcurrentHashMap<>();

    /** Overdue pending connections per capped address. */
    private final OverdueHeads overdueHeads;

    /**
     * The deadline sweeps, run only while some connection is pending, so that an idle gateway's thread sleeps
     * instead of waking several times a second to find nothing (bench/notes.md).
     */
    private final OnDemandTicks sweeps;

    private final Duration sweepPeriod;

    /** A request's body being read: done once its entity is consumed, cut off at the deadline. */
    private record Body(ReadableEntity entity, long deadline) {}

    /** A connection waiting for its head; {@code counted} once its overdue head counts against its address. */
    private static final class Pending {
        final SocketChannel channel;
        final long deadline;
        final InetAddress capped;
        boolean counted;

        Pending(SocketChannel channel, long deadline, InetAddress capped) {
            this.channel = channel;
            this.deadline = deadline;
            this.capped = capped;
        }
    }

    /** Thrown to make Helidon drop an accepted socket: no stack trace, Helidon logs it at TRACE. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super("refused at accept", null, false, false);
        }
    }

    /**
     * @param options     the listener's socket options, applied first
     * @param headTimeout how long a connection may take to send its request head
     * @param maxPending  connections waiting for their head the listener holds at most
     * @param limits      the per-address caps
     * @param sweeper     runs the deadline checks
     */
    public AcceptGuard(
            SocketOptions options,
            Duration headTimeout,
            int maxPending,
            AddressLimits limits,
            ScheduledExecutorService sweeper) {
        this.options = options;
        this.headTimeoutNanos = headTimeout.toNanos();
        this.overdueBeforeDeadlineNanos =
                headTimeoutNanos - AddressLimits.headOverdueAfter(headTimeout).toNanos();
        this.maxPending = maxPending;
        this.limits = limits;
        this.overdueHeads = new OverdueHeads(limits.maxPendingHeads());
        this.sweepPeriod = Duration.ofMillis(Math.max(50, Math.min(250, headTimeout.toMillis() / 4)));
        this.sweeps =
                new OnDemandTicks(sweeper, sweepPeriod, this::expire, () -> pendingCount > 0 || !bodies.isEmpty());
    }

    @Override
    public void configureSocket(SocketChannel channel) {
        options.configureSocket(channel);
        SocketAddress peer;
        try {
            peer = channel.getRemoteAddress();
        } catch (IOException e) {
            throw new Refused(); // already gone
        }
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        InetAddress capped = address != null && limits.cappedAtAccept(address) ? address : null;
        channels.put(peer, channel);
        List<SocketChannel> shed = new ArrayList<>();
        synchronized (this) {
            if (capped != null && overdueHeads.atCap(capped)) {
                refuse(channel, limits.tooManyPending());
            }
            // silent connections must leave Helidon permits for those that speak: the oldest goes
            shedBeyondShare(shed);
            pending.put(peer, new Pending(channel, System.nanoTime() + headTimeoutNanos, capped));
            pendingCount = pending.size();
            sweeps.wake(sweepPeriod);
        }
        shed.forEach(AcceptGuard::close);
    }

    /**
     * @return a filter, first in the listener's routing, that marks a connection's head received and gives a request's
     *     body {@code REQUEST_HEAD_TIMEOUT} to arrive whole, as the public listener does
     */
    public Filter filter() {
        return (chain, req, res) -> {
            SocketAddress peer = req.remotePeer().address();
            headReceived(peer);
            ReadableEntity entity = req.content();
            if (entity.hasEntity()) {
                bodies.put(peer, new Body(entity, System.nanoTime() + headTimeoutNanos));
                sweeps.wake(sweepPeriod);
            } else {
                bodies.remove(peer);
            }
            try {
                chain.proceed();
            } finally {
                awaitNextHead(peer);
            }
        };
    }

    /**
     * A kept-alive connection between its answer and the client's next head is silent as a new one is: it gets the
     * same deadline and counts among the silent connections, the oldest shed beyond the listener's share. Helidon
     * would keep it 5 minutes, and 64 of them took every connection of the admin listener, its probes' included.
     */
    private void awaitNextHead(SocketAddress peer) {
        SocketChannel channel = channels.get(peer);
        if (channel == null || !channel.isOpen()) {
            return;
        }
        List<SocketChannel> shed = new ArrayList<>();
        synchronized (this) {
            shedBeyondShare(shed);
            // not counted against its address: MAX_PENDING_HEADS_PER_IP is about connections that never spoke
            pending.put(peer, new Pending(channel, System.nanoTime() + headTimeoutNanos, null));
            pendingCount = pending.size();
            sweeps.wake(sweepPeriod);
        }
        shed.forEach(AcceptGuard::close);
    }

    /** Under the lock: takes the oldest silent connections out until one more fits the listener's share. */
    private void shedBeyondShare(List<SocketChannel> shed) {
        Iterator<Pending> oldest = pending.values().iterator();
        while (pending.size() >= maxPending && oldest.hasNext()) {
            Pending p = oldest.next();
            oldest.remove();
            forget(p);
            shed.add(p.channel);
        }
    }

    /** @return connections waiting for their head now */
    public synchronized int pending() {
        return pending.size();
    }

    private void headReceived(SocketAddress peer) {
        if (pendingCount == 0) {
            return;
        }
        synchronized (this) {
            Pending p = pending.remove(peer);
            if (p != null) {
                forget(p);
                pendingCount = pending.size();
            }
        }
    }

    private void forget(Pending p) {
        if (p.counted) {
            overdueHeads.done(p.capped);
        }
    }

    /**
     * Closes the connections past their deadline and counts the overdue heads against their addresses, refusing
     * those beyond an address's cap.
     *
     * @return whether connections are still pending (another sweep is needed)
     */
    private boolean expire() {
        long now = System.nanoTime();
        List<SocketChannel> late = new ArrayList<>();
        List<SocketChannel> refused = new ArrayList<>();
        channels.values().removeIf(channel -> !channel.isOpen());
        for (Iterator<Map.Entry<SocketAddress, Body>> it = bodies.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SocketAddress, Body> e = it.next();
            if (e.getValue().entity().consumed()) {
                it.remove(); // read whole (the route's work after it is not bounded here)
            } else if (now - e.getValue().deadline() >= 0) {
                it.remove();
                // the route's read, or Helidon's drain after the answer, ends with the connection
                SocketChannel channel = channels.remove(e.getKey());
                if (channel != null) {
                    late.add(channel);
                }
            }
        }
        synchronized (this) {
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (now - (p.deadline - overdueBeforeDeadlineNanos) < 0) {
                    break; // in accept order: the rest are younger
                }
                if (now - p.deadline >= 0) {
                    it.remove();
                    forget(p);
                    late.add(p.channel);
                } else if (p.capped != null && !p.counted) {
                    if (overdueHeads.tryAdd(p.capped)) {
                        p.counted = true;
                    } else {
                        it.remove();
                        refused.add(p.channel);
                    }
                }
            }
            pendingCount = pending.size();
        }
        late.forEach(AcceptGuard::close);
        for (SocketChannel channel : refused) {
            answer(channel, limits.tooManyPending());
            close(channel);
        }
        return pendingCount > 0 || !bodies.isEmpty();
    }

    /** Answers a refused connection with its error, then lets Helidon close it. */
    private static void refuse(SocketChannel channel, Refusal refusal) {
        answer(channel, refusal);
        throw new Refused();
    }

    /** Writes a refusal to a connection whose head is not read, and ends its output. */
    private static void answer(SocketChannel channel, Refusal refusal) {
        try {
            // nothing was written to the socket yet: these few hundred bytes fit its empty send buffer at once
            channel.write(ByteBuffer.wrap(RawAnswer.error(refusal.error(), refusal.headers())));
            channel.shutdownOutput();
        } catch (IOException e) {
            // the client left: nothing to tell
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    @Override
    public void configureSocket(Socket socket) {
        options.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
