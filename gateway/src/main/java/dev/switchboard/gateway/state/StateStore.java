package dev.switchboard.gateway.state;

import dev.switchboard.registry.FunctionStore;

/** The gateway's shared state: Redis for a fleet, memory for one embedded replica. */
public interface StateStore extends AutoCloseable {
    /** @return {@code redis} or {@code memory} */
    String kind();

    /** @return where registrations live */
    FunctionStore functions();

    /** @return client event logs and their delivery */
    ClientEventLog events();

    /** @return the fleet's connections */
    ConnectionDirectory connections();

    /** @return MCP sessions */
    McpSessionStore mcpSessions();

    /** @return per MCP server its sessions, per session its resource subscriptions: the targets of pushes */
    McpPushIndex mcpPush();

    /**
     * @param kind {@link ReplicaWork#LEGACY_SESSIONS}, {@link ReplicaWork#ASYNC_CALLS} or {@link ReplicaWork#LEGACY_CALLS}
     * @return this replica's unfinished work of that kind, recorded for the fleet to finish should it die (nothing
     *     for a store no other replica shares)
     */
    default ReplicaWork replicaWork(String kind) {
        return ReplicaWork.UNSHARED;
    }

    /** @return expiring leases (one holder in the fleet) */
    Leases leases();

    /** @return control messages about MCP sessions, for every replica */
    SessionSignals signals();

    /** @return each replica's monitoring snapshot */
    FleetSnapshots snapshots();

    /** @return whether the store answers now, with a detail for operators */
    StoreHealth health();

    @Override
    void close();

    /**
     * @param up     whether the store answered
     * @param detail what was checked or what failed
     */
    record StoreHealth(boolean up, String detail) {}
}
