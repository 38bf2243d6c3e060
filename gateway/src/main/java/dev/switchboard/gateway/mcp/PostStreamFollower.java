package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.SseChunk;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.EventIds;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A resumed POST stream ({@code GET} with {@code Last-Event-ID: <streamId>/<logId>}): replays what the
 * client missed from the stream's log, then follows the log live until the response, on whichever replica
 * the GET lands. Everything written is read from the log after the last id written, so replay and live
 * cannot overlap or leave a gap. The held {@link SseStream} (keyed by the POST stream's log) only says
 * when to read again: the fan-out's appends, heartbeats and its closing wake the follower; the events it
 * queues are dropped, since the log has them in order.
 *
 * <p>A call appends to its log at least once per round of its work (its answer, its timeout's error, a request for
 * the client's input), so a log quiet for longer than that, by the log's own clock, is a call whose replica died
 * with it: the follower answers the request with an error, logged as the stream's response so that every resume
 * ends the same way.
 */
final class PostStreamFollower {
    private static final Logger LOGGER = Logger.getLogger(PostStreamFollower.class.getName());
    /** Reconnection delay suggested when a stream is closed before its response. */
    static final long RETRY_MILLIS = 1000;

    static final String LOST = "the gateway replica running this request stopped before it was answered; the "
            + "function may or may not have run it: send it again if that is safe";

    private final ClientEventLog log;
    private final int batch;
    private final Duration answeredLogTtl;
    private final Runnable lostAnswered;

    /**
     * @param log            event logs
     * @param batch          most events read from the log at once
     * @param answeredLogTtl how long a stream's log outlives its response ({@code MCP_STREAM_LOG_TTL})
     * @param lostAnswered   told each time this follower answers a lost call (the metric)
     */
    PostStreamFollower(ClientEventLog log, int batch, Duration answeredLogTtl, Runnable lostAnswered) {
        this.log = log;
        this.batch = batch;
        this.answeredLogTtl = answeredLogTtl;
        this.lostAnswered = lostAnswered;
    }

    /**
     * Writes the stream after {@code afterId} until its response (then the stream ends) or the request's
     * cancellation (it ends without one). When nothing was appended for longer than a running call may go quiet
     * ({@code limits}), the call is lost: its response is an error, appended here. When the held stream is closed (session ended, gateway stopping), or a
     * lost call's log does not name its request (a log of an older gateway), it ends with {@code retry}, so the
     * client may come back.
     *
     * <p>A resume that finds nothing more to write (the client has the response or the cancellation already, or
     * the stream is unknown) is {@linkplain #holdQuietly held} rather than ended: the TypeScript SDK resumes a
     * stream that ended without a result (an error response or a cancellation) and, when the resume ends with no
     * event either, opens a plain GET (it has no id left), which is a second standalone stream of the session.
     *
     * @param out       the GET's response stream
     * @param held      this replica's stream for the POST stream's log, admitted to the hub
     * @param streamId  the POST stream
     * @param afterId   the last log id the client has
     * @param limits    longest quiet times of a call still running
     * @param primes    whether the session's streams begin with a priming event (an id and no data)
     * @throws IOException when the client is gone
     */
    void follow(OutputStream out, SseStream held, String streamId, String afterId, QuietLimits limits, boolean primes)
            throws IOException {
        String logKey = held.clientId();
        Semaphore wake = new Semaphore(0);
        held.startAfter(afterId);
        held.wakeWith(() -> {
            if (wake.availablePermits() == 0) {
                wake.release();
            }
        });
        String last = afterId;
        long idleDeadline = System.nanoTime() + limits.awaitingInput().toNanos();
        boolean first = true;
        boolean wrote = false;
        boolean headSent = false;
        boolean lostAnswered = false;
        // where a held resume primes the client (sessions whose streams are primed): the position it already has
        String clientPosition = primes ? PostStreamLog.eventId(streamId, afterId) : null;
        try {
            while (true) {
                List<ClientEvent> events = log.readAfter(logKey, last, batch);
                if (first && events.isEmpty()) {
                    if (EventIds.ZERO.equals(log.tail(logKey))) {
                        Duration wait = PostStreamLog.firstAppendWait(
                                afterId, System.currentTimeMillis(), limits.firstAppend());
                        if (wait.isZero()) {
                            // no such stream, or its log expired: nothing to follow
                            holdQuietly(out, held, wake, clientPosition);
                            return;
                        }
                        // resumed from its priming event while the call has appended nothing yet: follow the log,
                        // as long as the call may still be quiet
                        idleDeadline = Math.min(idleDeadline, System.nanoTime() + wait.toNanos());
                    } else {
                        ClientEvent newest = newest(logKey);
                        if (hasEnded(newest)) {
                            // the client already has the stream's last event
                            holdQuietly(out, held, wake, clientPosition);
                            return;
                        }
                        // quiet since its last append, which may be long before this resume
                        idleDeadline = quietDeadline(newest, limits);
                    }
                }
                first = false;
                for (ClientEvent e : events) {
                    last = e.id();
                    if (PostStreamLog.END.equals(e.type())) {
                        if (!wrote) {
                            // cancelled with nothing the client missed
                            holdQuietly(out, held, wake, clientPosition);
                        }
                        return;
                    }
                    if (!PostStreamLog.OPENED.equals(e.type())) {
                        out.write(SseEncoder.event(PostStreamLog.eventId(streamId, e.id()), null, e.data()));
                        wrote = true;
                    }
                    if (PostStreamLog.RESPONSE.equals(e.type())) {
                        return;
                    }
                }
                if (!events.isEmpty()) {
                    out.flush();
                    held.startAfter(last);
                    idleDeadline = quietDeadline(events.getLast(), limits);
                    if (events.size() == batch) {
                        continue;
                    }
                }
                if (!wrote && events.isEmpty() && !headSent) {
                    // nothing to replay yet (a call quiet a while, or one whose replica died): the head goes now, not
                    // with the first keep-alive a heartbeat interval later, for clients that time out waiting for it
                    out.flush();
                    headSent = true;
                }
                long left = idleDeadline - System.nanoTime();
                if (left <= 0 && !held.isClosed() && !lostAnswered) {
                    // read on: the first response in the log is the stream's, whichever replica wrote it
                    lostAnswered = answerLost(logKey, streamId);
                    if (lostAnswered) {
                        continue;
                    }
                }
                if (held.isClosed() || left <= 0) {
                    if (!wrote && primes) {
                        // the client comes back with an id, not as a plain GET
                        out.write(SseEncoder.event(PostStreamLog.eventId(streamId, last), null, ""));
                    }
                    out.write(SseEncoder.retry(RETRY_MILLIS));
                    return;
                }
                wake.tryAcquire(left, TimeUnit.NANOSECONDS);
                wake.drainPermits();
                SseChunk due = held.drain();
                if (due != null && due.heartbeat()) {
                    out.write(SseEncoder.comment("keep-alive"));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Keeps a resumed stream that has nothing more to deliver open, with keep-alive comments, until the client
     * leaves or the held stream closes (the session ended, the gateway stops), as the TypeScript SDK's server
     * keeps one. It starts with the client's own position as a priming event, where the session's streams are
     * primed: a client whose stream then ends resumes from there again rather than open a plain GET.
     *
     * @param primeId the priming event's id, or null to write none
     */
    private static void holdQuietly(OutputStream out, SseStream held, Semaphore wake, String primeId)
            throws IOException, InterruptedException {
        if (primeId != null) {
            out.write(SseEncoder.event(primeId, null, ""));
        }
        out.flush();
        while (!held.isClosed()) {
            wake.acquire();
            wake.drainPermits();
            SseChunk due = held.drain();
            if (due != null && due.heartbeat()) {
                out.write(SseEncoder.comment("keep-alive"));
                out.flush();
            }
        }
        out.write(SseEncoder.retry(RETRY_MILLIS));
    }

    /**
     * @param last   the log's last event
     * @param limits longest quiet times of a call still running
     * @return when the call is lost if nothing more is appended: its limit after {@code last} was appended, by the
     *     log's clock (Redis's, or this replica's), counted generously where the clocks may differ
     */
    private static long quietDeadline(ClientEvent last, QuietLimits limits) {
        long quietMillis =
                Math.max(0, System.currentTimeMillis() - EventIds.millis(last.id()) - PostStreamLog.CLOCK_SKEW_MILLIS);
        long limitMillis = limits.after(last).toMillis();
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, limitMillis - quietMillis));
    }

    /**
     * Answers a lost call's request with an error, appended as its stream's response.
     *
     * @return whether it did: false when the log does not begin with the request's id (older gateways' logs)
     */
    private boolean answerLost(String logKey, String streamId) {
        List<ClientEvent> head = log.readAfter(logKey, EventIds.ZERO, 1);
        if (head.isEmpty()
                || !PostStreamLog.OPENED.equals(head.getFirst().type())
                || head.getFirst().data().isEmpty()) {
            return false;
        }
        JsonNode requestId;
        try {
            requestId = Json.MAPPER.readTree(head.getFirst().data());
        } catch (java.io.IOException e) {
            return false;
        }
        log.publish(
                logKey,
                PostStreamLog.RESPONSE,
                Json.write(JsonRpc.error(requestId, JsonRpc.GATEWAY_ERROR, LOST)),
                answeredLogTtl);
        lostAnswered.run();
        LOGGER.info(() -> "answered MCP stream " + streamId + "'s request with an error: its call appended nothing"
                + " for longer than it may while running, so the replica running it is gone");
        return true;
    }

    /** @return whether the stream's log ends with its response or its cancellation */
    private static boolean hasEnded(ClientEvent newest) {
        return newest != null
                && (PostStreamLog.RESPONSE.equals(newest.type()) || PostStreamLog.END.equals(newest.type()));
    }

    /** @return the log's newest event, or null (a request's log is short) */
    private ClientEvent newest(String logKey) {
        String last = EventIds.ZERO;
        ClientEvent newest = null;
        List<ClientEvent> events;
        do {
            events = log.readAfter(logKey, last, batch);
            if (!events.isEmpty()) {
                newest = events.getLast();
                last = newest.id();
            }
        } while (events.size() == batch);
        return newest;
    }
}
