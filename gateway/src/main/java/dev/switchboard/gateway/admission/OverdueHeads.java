package dev.switchboard.gateway.admission;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One listener's overdue request heads per capped client address, against {@code MAX_PENDING_HEADS_PER_IP}: a head
 * counts once it is overdue ({@link AddressLimits#headOverdueAfter}), so a burst whose heads come in time is served
 * whole while connections that stay silent are refused past the cap. Shared by the stream listener's loops and the
 * admin listener's {@link AcceptGuard}; safe from any thread.
 */
public final class OverdueHeads {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    /** @param max overdue heads one address may have at once */
    public OverdueHeads(int max) {
        this.max = max;
    }

    /**
     * @param address a capped address
     * @return whether it has as many overdue heads as it may (refuse its new connection)
     */
    public boolean atCap(InetAddress address) {
        Integer n = counts.get(address);
        return n != null && n >= max;
    }

    /**
     * Counts an overdue head, unless its address has as many as it may.
     *
     * @param address the client's capped address
     * @return whether it was counted (false: refuse the connection)
     */
    public boolean tryAdd(InetAddress address) {
        boolean[] added = {false};
        counts.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            added[0] = true;
            return now + 1;
        });
        return added[0];
    }

    /** @param address an address whose counted head was read, or whose connection closed first */
    public void done(InetAddress address) {
        counts.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }
}
