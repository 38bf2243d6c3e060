package dev.switchboard.gateway.state;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The fleet-wide list of open connections, for {@code /admin/connections}, and who follows which topic, for
 * {@code /admin/topics}.
 */
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

    /**
     * Who follows which topic across the fleet, from per-replica counts (not from the connection records, so the
     * cost grows with topics, not with connections).
     *
     * @return topic to (replica to number of that replica's streams following it), topics with subscribers only
     */
    Map<String, Map<String, Integer>> topics();

    /**
     * @param topic a topic name
     * @return replica to number of its streams following the topic (empty: no subscriber)
     */
    Map<String, Integer> topic(String topic);

    /** @return how many topics this replica's streams follow (the gauge {@code switchboard.topics.subscribed}) */
    int localTopicCount();
}
