package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.state.ClientEventLog;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends one MCP stream's events to its log, which outlives a Redis outage: an event the store cannot take is held
 * back ({@link UnloggedEvents}), the next is logged behind the held ones in one step once the store answers, and what
 * is left when the stream is over is retried in the background. Not thread-safe: its stream's lock guards it.
 */
final class StreamLogAppender {
    private static final Logger LOGGER = Logger.getLogger(StreamLogAppender.class.getName());

    private final ClientEventLog log;
    private final String logKey;
    /** The stream's id for the held events' delivery tokens; null: made at the first failure. */
    private final String streamId;

    private final Duration retryFor;
    /** Events the store could not take, made at the first such event. */
    private UnloggedEvents unlogged;

    /**
     * @param log      the event logs
     * @param logKey   the stream's log
     * @param streamId the stream, unique in the fleet, or null for one made when first needed
     * @param retryFor how long events left at the stream's end are retried ({@code ASYNC_DELIVERY_TIMEOUT})
     */
    StreamLogAppender(ClientEventLog log, String logKey, String streamId, Duration retryFor) {
        this.log = log;
        this.logKey = logKey;
        this.streamId = streamId;
        this.retryFor = retryFor;
    }

    /**
     * @param type    the event's type
     * @param data    its data
     * @param keptFor how long the log outlives this append, or null for as long as any log
     * @return the log's id of the event, or null when it is held back (the store is away)
     */
    String append(String type, String data, Duration keptFor) {
        if (holding()) {
            // behind the events the store could not take, in order, or not at all
            unlogged.add(type, data);
            return unlogged.flush();
        }
        try {
            return (keptFor == null ? log.publish(logKey, type, data) : log.publish(logKey, type, data, keptFor)).id();
        } catch (RuntimeException e) {
            holdBack(e).add(type, data);
            return null;
        }
    }

    /**
     * Appends an event stored once under its delivery token, kept as long as any log: an answer that another replica
     * may write in its place ({@link LostLegacyCalls}), whichever comes second storing nothing.
     *
     * @param event the event and its token
     * @return the log's id of the event (the first's, for a repeat), or null when it is held back (the store is away)
     */
    String appendOnce(ClientEventLog.Pending event) {
        if (holding()) {
            unlogged.add(event);
            return unlogged.flush();
        }
        try {
            return log.publishAll(logKey, List.of(event)).getFirst().id();
        } catch (RuntimeException e) {
            holdBack(e).add(event);
            return null;
        }
    }

    /**
     * Appends two events in one step (one round trip on Redis), kept as long as any log: a stream's opening and the
     * event that opened it.
     *
     * @return the log's id of the second, or null when they are held back (the store is away)
     */
    String appendPair(String firstType, String firstData, String type, String data) {
        if (holding()) {
            unlogged.add(firstType, firstData);
            unlogged.add(type, data);
            return unlogged.flush();
        }
        try {
            return log.publishAll(
                            logKey,
                            List.of(
                                    new ClientEventLog.Pending(firstType, firstData, null),
                                    new ClientEventLog.Pending(type, data, null)))
                    .getLast()
                    .id();
        } catch (RuntimeException e) {
            UnloggedEvents held = holdBack(e);
            held.add(firstType, firstData);
            held.add(type, data);
            return null;
        }
    }

    /** @return whether events the store could not take wait: what follows goes behind them */
    private boolean holding() {
        return unlogged != null && !unlogged.isEmpty();
    }

    /** The store refused an append: events are held back from now on, in order, until it takes them. */
    private UnloggedEvents holdBack(RuntimeException e) {
        LOGGER.log(Level.FINE, "could not log an MCP stream's event", e);
        if (unlogged == null) {
            unlogged = new UnloggedEvents(log, logKey, streamId != null ? streamId : McpIds.streamId(), retryFor);
        }
        return unlogged;
    }

    /** The stream is over: what the store could not take yet is retried for a client's resume. */
    void retryInBackground() {
        if (unlogged != null) {
            unlogged.retryInBackground();
        }
    }
}
