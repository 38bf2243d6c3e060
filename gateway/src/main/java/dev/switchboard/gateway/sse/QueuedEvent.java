package dev.switchboard.gateway.sse;

/**
 * An event waiting in a stream's queue to be written, with the log it came from and whether the replica missed it
 * ({@link SseStream#offerMissed}: it does not count against the queue's limit). Immutable: the entries of a {@link
 * MissedEvents} are shared by every stream that queues them.
 *
 * @param log    the log it was appended to
 * @param frame  the event and its shared encoding
 * @param missed whether the replica missed it while its fan-out connection was away
 */
record QueuedEvent(String log, EventFrame frame, boolean missed) {}
