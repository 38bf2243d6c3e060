package dev.switchboard.gateway.mcp;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

import dev.switchboard.gateway.state.ClientEvent;

/**
 * Waiting places for messages published to an event log key from any replica: the bridge waits here for
 * a client's answers, which may be posted to another replica and reach this one through the state store's
 * fan-out.
 */
final class Mailboxes {
    private final Map<String, BlockingQueue<ClientEvent>> boxes = new ConcurrentHashMap<>();

    /**
     * @param key an event log key
     * @return its mailbox, open until {@link #close}
     */
    BlockingQueue<ClientEvent> open(String key) {
        return boxes.computeIfAbsent(key, k -> new LinkedBlockingQueue<>());
    }

    /** @param key a key whose mailbox is no longer needed */
    void close(String key) {
        boxes.remove(key);
    }

    /**
     * The state store's fan-out listener: must not block.
     *
     * @param key   event log key
     * @param event the event
     */
    void deliver(String key, ClientEvent event) {
        BlockingQueue<ClientEvent> box = boxes.get(key);
        if (box != null) {
            box.add(event);
        }
    }
}
