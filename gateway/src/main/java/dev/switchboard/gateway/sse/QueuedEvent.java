package dev.switchboard.gateway.sse;

/**
 * An event waiting in a stream's queue to be written, with the log it came from. Immutable: the entries of a {@link
 * MissedEvents} are shared by every stream that queues them.
 *
 * @param log   the log it was appended to
 * @param frame the event and its shared encoding
 */
record QueuedEvent(String log, EventFrame frame) {}
