package dev.switchboard.examples.chat;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat's memory: the newest messages of each room, bounded twice (messages per room, and rooms, the least
 * recently used room forgotten first), so that no input makes it grow without bound. A message's id is unique
 * across restarts of the function (a boot stamp plus a sequence): the gateway stores a publish id once, so an id
 * reused after a restart would silently drop the new message.
 */
final class ChatRooms {

    /** One stored message, as the page shows it. */
    record Message(String id, String room, String from, String text, long at) {}

    private final int maxRooms;
    private final int maxMessagesPerRoom;
    private final String boot = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();
    /** Access order: the eldest entry is the least recently used room. */
    private final LinkedHashMap<String, ArrayDeque<Message>> rooms;

    ChatRooms(int maxRooms, int maxMessagesPerRoom) {
        this.maxRooms = maxRooms;
        this.maxMessagesPerRoom = maxMessagesPerRoom;
        this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Message>> eldest) {
                return size() > ChatRooms.this.maxRooms;
            }
        };
    }

    /** Stores a message in its room, dropping the room's oldest beyond the bound. */
    synchronized Message add(String room, String from, String text, long at) {
        Message message = new Message(boot + "-" + Long.toString(sequence.incrementAndGet(), 36), room, from, text, at);
        ArrayDeque<Message> messages = rooms.computeIfAbsent(room, r -> new ArrayDeque<>());
        messages.addLast(message);
        while (messages.size() > maxMessagesPerRoom) {
            messages.removeFirst();
        }
        return message;
    }

    /** @return the room's stored messages, oldest first (empty for a room never written to) */
    synchronized List<Message> history(String room) {
        ArrayDeque<Message> messages = rooms.get(room);
        return messages == null ? List.of() : List.copyOf(messages);
    }

    synchronized int roomCount() {
        return rooms.size();
    }
}
