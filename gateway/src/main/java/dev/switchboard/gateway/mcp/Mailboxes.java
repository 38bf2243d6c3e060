package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.registry.StoreUnavailableException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Waiting places for messages published to an event log key from any replica: the bridge waits here for
 * a client's answers, which may be posted to another replica and reach this one through the state store's
 * routed fan-out, which an open mailbox follows.
 */
final class Mailboxes {
    private final Map<String, Box> boxes = new ConcurrentHashMap<>();
    private final ClientEventLog log;

    /** @param log the event logs whose announcements open mailboxes follow */
    Mailboxes(ClientEventLog log) {
        this.log = log;
    }

    /** A mailbox, and whether it follows its log's announcements (else its reader polls the log). */
    private record Box(BlockingQueue<ClientEvent> queue, boolean followed) {}

    /**
     * Opens a mailbox, returning once what is published to its key reaches it (when the store can say so now;
     * else the reader's polling of the log finds it).
     *
     * @param key an event log key
     * @return its mailbox, open until {@link #close}
     */
    BlockingQueue<ClientEvent> open(String key) {
        Box box = boxes.get(key);
        if (box != null) {
            return box.queue();
        }
        boolean followed;
        try {
            log.follow(key);
            followed = true;
        } catch (StoreUnavailableException e) {
            followed = false;
        }
        Box opened = new Box(new LinkedBlockingQueue<>(), followed);
        Box prior = boxes.putIfAbsent(key, opened);
        if (prior != null) {
            if (followed) {
                log.unfollow(key);
            }
            return prior.queue();
        }
        return opened.queue();
    }

    /** @param key a key whose mailbox is no longer needed */
    void close(String key) {
        Box box = boxes.remove(key);
        if (box != null && box.followed()) {
            log.unfollow(key);
        }
    }

    /**
     * The state store's fan-out listener: must not block.
     *
     * @param key   event log key
     * @param event the event
     * @return whether a mailbox here waits for it
     */
    boolean deliver(String key, ClientEvent event) {
        Box box = boxes.get(key);
        if (box == null) {
            return false;
        }
        box.queue().add(event);
        return true;
    }
}
