package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.StoreRetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A POST stream's events that could not be logged because the store was away, in order. The stream's next event
 * is logged behind them, all in one step, once the store answers again; what is left when the stream is over is
 * retried with back-off for up to {@code ASYNC_DELIVERY_TIMEOUT}, as an async call's result is, so that a client
 * that left during the outage finds its response when it resumes. Each event carries a delivery token: a try whose
 * reply was lost stores it once. Not thread-safe: the stream's lock guards it until {@link #retryInBackground}.
 */
final class UnloggedEvents {
    private static final Logger LOGGER = Logger.getLogger(UnloggedEvents.class.getName());
    /** A delivery token outlives the last try by the longest a try can take to reach Redis. */
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);

    private final ClientEventLog log;
    private final String logKey;
    private final String streamId;
    private final Duration retryFor;
    private final List<ClientEventLog.Pending> events = new ArrayList<>();
    private int added;

    /**
     * @param log      the event logs
     * @param logKey   the stream's log
     * @param streamId the stream, unique in the fleet: its events' tokens are
     * @param retryFor how long the events left at the stream's end are retried
     */
    UnloggedEvents(ClientEventLog log, String logKey, String streamId, Duration retryFor) {
        this.log = log;
        this.logKey = logKey;
        this.streamId = streamId;
        this.retryFor = retryFor;
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** Adds an event the log could not take; {@code '#'} is in no publisher's id, so no token matches one. */
    void add(String type, String data) {
        add(ClientEventLog.Pending.delivery(type, data, "#" + streamId + ":" + added++, tokenLife(retryFor)));
    }

    /** @param event an event the log could not take, with a delivery token of its own */
    void add(ClientEventLog.Pending event) {
        events.add(event);
    }

    /**
     * @param retryFor how long events are retried after their stream's end
     * @return how long their delivery tokens are recognised: past the last try by the longest a try can take
     */
    static Duration tokenLife(Duration retryFor) {
        return retryFor.plus(TOKEN_MARGIN);
    }

    /** @return the log's id of the last event, once all are logged; null while the store is still away */
    String flush() {
        try {
            List<ClientEventLog.Appended> appended = log.publishAll(logKey, List.copyOf(events));
            events.clear();
            return appended.getLast().id();
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not log an MCP stream's events yet", e);
            return null;
        }
    }

    /** The stream is over: what is left is logged by a thread of its own, with back-off, for up to the time given. */
    void retryInBackground() {
        if (events.isEmpty()) {
            return;
        }
        List<ClientEventLog.Pending> left = List.copyOf(events);
        events.clear();
        long deadline = System.nanoTime() + retryFor.toNanos();
        Thread.ofVirtual().name("switchboard-mcp-unlogged").start(() -> retry(left, deadline));
    }

    private void retry(List<ClientEventLog.Pending> left, long deadline) {
        RuntimeException givenUp = StoreRetry.untilDeadline(() -> log.publishAll(logKey, left), deadline, e -> {});
        if (givenUp != null && !Thread.currentThread().isInterrupted()) {
            LOGGER.warning("could not log " + left.size() + " events of MCP stream " + logKey + " within "
                    + retryFor.toMillis() + " ms (ASYNC_DELIVERY_TIMEOUT): a client that resumes it will not receive "
                    + "them: " + givenUp.getMessage());
        }
    }
}
