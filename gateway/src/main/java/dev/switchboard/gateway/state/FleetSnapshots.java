package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.Map;

/**
 * Each replica's latest monitoring snapshot, shared with the fleet: every replica writes its own every few
 * seconds, and whichever replica serves the monitoring page reads them all at once (no scan).
 */
public interface FleetSnapshots {
    /**
     * @param replicaId this replica
     * @param snapshot  its figures (JSON)
     */
    void put(String replicaId, String snapshot);

    /**
     * @param maxAge snapshots older than this are from replicas gone: left out (and forgotten)
     * @return replica id to snapshot JSON
     */
    Map<String, String> fresh(Duration maxAge);

    /**
     * @return whether other replicas read what is put here (a shared store); a replica's own snapshot is read
     *         from its figures, so a store no other replica reads need not be written
     */
    default boolean shared() {
        return true;
    }

    /** @param replicaId a replica that stops: its snapshot goes at once rather than when it ages out */
    void remove(String replicaId);
}
