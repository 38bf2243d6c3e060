package dev.switchboard.gateway.state;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Per client, a bounded append-only log of events, and their delivery to every replica. Publishing
 * appends first and then fans out, so an event a stream misses is always in the log for replay.
 */
public interface ClientEventLog {
    /**
     * Appends an event to the client's log and delivers it to subscribers on every replica.
     *
     * @param clientId the client
     * @param type     event name
     * @param data     JSON text
     * @return the event with its id
     */
    ClientEvent publish(String clientId, String type, String data);

    /**
     * Appends an event once per publish id: a second publish with the same id, while the first's record lasts
     * (the log's TTL), stores nothing and answers the first event's id.
     *
     * @param logKey    the log (a client id or a topic's log key)
     * @param type      event name
     * @param data      JSON text
     * @param publishId the publisher's idempotency id, or null for none
     * @return the event's id and whether it was a repeat
     */
    Appended publishOnce(String logKey, String type, String data, String publishId);

    /**
     * @param id        the stored event's id
     * @param duplicate whether the publish id had been stored before (nothing was appended)
     */
    record Appended(String id, boolean duplicate) {
    }

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
     * @param listener receives (client id, event) for every event published on any replica; it runs on a
     *                 delivery thread and must not block
     */
    void subscribe(BiConsumer<String, ClientEvent> listener);

    /**
     * @param listener runs, on a thread of its own, each time the fan-out is subscribed again after its
     *                 connection was lost: events published meanwhile are in the logs but were not fanned
     *                 out here, so local streams catch up from the logs
     */
    void onResubscribed(Runnable listener);
}
