package dev.switchboard.gateway.state;

import java.util.Collection;
import java.util.List;

/** The fleet-wide list of open connections, for {@code /admin/connections}. */
public interface ConnectionDirectory {
    /** @param connection a newly opened connection of this replica */
    void register(ConnectionInfo connection);

    /** @param connectionId a closed connection of this replica */
    void unregister(String connectionId);

    /**
     * Periodic refresh from this replica: rewrites changed records and keeps the replica's entries alive.
     *
     * @param changed connections whose last activity moved since the previous refresh
     * @return false when this replica's entries were gone (a restarted Redis, or an outage longer than their
     *         TTL): the caller registers its open connections again
     */
    boolean refresh(Collection<ConnectionInfo> changed);

    /** @return every open connection of every live replica */
    List<ConnectionInfo> list();
}
