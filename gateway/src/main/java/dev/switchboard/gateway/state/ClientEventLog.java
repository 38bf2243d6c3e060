package dev.switchboard.gateway.state;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Per client, a bounded append-only log of events, and their delivery to the replicas that follow the log.
 * Publishing appends first and then announces the append on the log's own channel, so an event a stream
 * misses is always in the log for replay; a replica receives the announcements of the logs it
 * {@link #follow}s, and only those (routed fan-out).
 */
public interface ClientEventLog {
    /**
     * Appends an event to the client's log and announces it to the replicas that follow the log.
     *
     * @param clientId the client
     * @param type     event name
     * @param data     JSON text
     * @return the event with its id
     */
    ClientEvent publish(String clientId, String type, String data);

    /**
     * As {@link #publish(String, String, String)}, and the log is kept {@code keptFor} after this append rather
     * than the store's TTL: how an answered MCP POST stream's log, one per call, is let go sooner.
     *
     * @param logKey  the log
     * @param type    event name
     * @param data    JSON text
     * @param keptFor how long the log outlives this append
     * @return the event with its id
     */
    ClientEvent publish(String logKey, String type, String data, java.time.Duration keptFor);

    /**
     * @param id        the stored event's id
     * @param duplicate whether the publish id had been stored before (nothing was appended)
     */
    record Appended(String id, boolean duplicate) {}

    /**
     * An event to append with others.
     *
     * @param type      event name
     * @param data      JSON text
     * @param publishId the publisher's idempotency id, or null for none
     * @param idKeptFor how long the record of {@code publishId} is kept; null for as long as the log (a publisher's
     *                  id). A shorter one makes a delivery token: it outlasts the tries of one result that a lost
     *                  reply makes repeat, and costs the store nothing after that
     */
    record Pending(String type, String data, String publishId, java.time.Duration idKeptFor) {
        /** An event stored once per publish id while the log lasts (or for every append, when the id is null). */
        public Pending(String type, String data, String publishId) {
            this(type, data, publishId, null);
        }

        /**
         * @param token     unique to this event of this result, in a form no publisher's id takes
         * @param idKeptFor how long repeats of it are recognised
         * @return an event that tries after a lost reply store once
         */
        public static Pending delivery(String type, String data, String token, java.time.Duration idKeptFor) {
            return new Pending(type, data, token, java.util.Objects.requireNonNull(idKeptFor));
        }
    }

    /**
     * Appends a batch to one log as one step: all of its events or none (a store that fails mid-way leaves none),
     * next to each other and in order, each once per publish id: an event whose id was stored before (while that
     * record lasts, the log's TTL; within the batch too) stores nothing and answers the first event's id. On
     * Redis, one round trip for the whole batch.
     *
     * @param logKey the log (a client id or a topic's log key)
     * @param batch  the events, at least one
     * @return each event's id and whether it was a repeat, in the batch's order
     */
    List<Appended> publishAll(String logKey, List<Pending> batch);

    /**
     * A check without a round trip, for work that will publish later (an async result): refuse it now
     * rather than accept it and lose its result.
     *
     * @return whether the store is reachable as far as this replica knows
     */
    boolean isAvailable();

    /**
     * @param clientId the client
     * @param afterId  an id the client has seen
     * @param max      most events to return
     * @return the events after {@code afterId}, oldest first
     */
    List<ClientEvent> readAfter(String clientId, String afterId, int max);

    /**
     * @param clientId the client
     * @return the id of the client's newest event, or {@link EventIds#ZERO}
     */
    String tail(String clientId);

    /**
     * @param listener receives (log key, event) for every event appended, on any replica, to a log this replica
     *                 {@link #follow}s; it runs on a delivery thread and must not block
     */
    void subscribe(BiConsumer<String, ClientEvent> listener);

    /**
     * Counts a follower of a log in (a stream, a waiting mailbox) and returns once the log's announcements reach
     * this replica: a follower that reads the log after this call misses nothing (subscribe, then replay).
     *
     * @param logKey a log
     * @throws dev.switchboard.registry.StoreUnavailableException when the subscription cannot be made now (the
     *                                                            follower is not counted)
     */
    void follow(String logKey);

    /**
     * Counts a follower out, once per {@link #follow} that returned; the last one out stops the announcements.
     *
     * @param logKey a log
     */
    void unfollow(String logKey);

    /** @return how many logs this replica follows now (one subscription each) */
    int followedLogs();

    /**
     * @param listener runs with a log's key each time Redis confirms that log's subscription again after the
     *                 subscription connection was lost: events appended meanwhile are in the log but were not
     *                 announced here, so local streams catch up from it. It runs on the thread that dispatches
     *                 announcements, before the ones that follow the confirmation, so it can hold those back until
     *                 the catch-up is done (else a stream writes them first and drops what it missed as older); it
     *                 must not block
     */
    void onResubscribed(java.util.function.Consumer<String> listener);
}
