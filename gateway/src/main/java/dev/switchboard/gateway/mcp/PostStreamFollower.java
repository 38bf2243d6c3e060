package dev.switchboard.gateway.mcp;

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

/**
 * A resumed POST stream ({@code GET} with {@code Last-Event-ID: <streamId>/<logId>}): replays what the
 * client missed from the stream's log, then follows the log live until the response, on whichever replica
 * the GET lands. Everything written is read from the log after the last id written, so replay and live
 * cannot overlap or leave a gap. The held {@link SseStream} (keyed by the POST stream's log) only says
 * when to read again: the fan-out's appends, heartbeats and its closing wake the follower; the events it
 * queues are dropped, since the log has them in order.
 */
final class PostStreamFollower {
    /** Reconnection delay suggested when a stream is closed before its response. */
    static final long RETRY_MILLIS = 1000;

    private final ClientEventLog log;
    private final int batch;

    /**
     * @param log   event logs
     * @param batch most events read from the log at once
     */
    PostStreamFollower(ClientEventLog log, int batch) {
        this.log = log;
        this.batch = batch;
    }

    /**
     * Writes the stream after {@code afterId} until its response (then the stream ends), the request's
     * cancellation (it ends without one), or until nothing was appended for {@code idleLimit}, or the held
     * stream is closed (session ended, gateway stopping): then {@code retry}, so the client may come back.
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
     * @param idleLimit longest quiet time of a call still running (its timeout, or a wait for input)
     * @param primes    whether the session's streams begin with a priming event (an id and no data)
     * @throws IOException when the client is gone
     */
    void follow(OutputStream out, SseStream held, String streamId, String afterId, Duration idleLimit, boolean primes)
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
        long idleDeadline = System.nanoTime() + idleLimit.toNanos();
        boolean first = true;
        boolean wrote = false;
        boolean headSent = false;
        // where a held resume primes the client (sessions whose streams are primed): the position it already has
        String clientPosition = primes ? PostStreamLog.eventId(streamId, afterId) : null;
        try {
            while (true) {
                List<ClientEvent> events = log.readAfter(logKey, last, batch);
                if (first && events.isEmpty()) {
                    if (EventIds.ZERO.equals(log.tail(logKey))) {
                        Duration wait = PostStreamLog.firstAppendWait(afterId, System.currentTimeMillis(), idleLimit);
                        if (wait.isZero()) {
                            // no such stream, or its log expired: nothing to follow
                            holdQuietly(out, held, wake, clientPosition);
                            return;
                        }
                        // resumed from its priming event while the call has appended nothing yet: follow the log,
                        // as long as the call may still be quiet
                        idleDeadline = Math.min(idleDeadline, System.nanoTime() + wait.toNanos());
                    } else if (hasEnded(logKey)) {
                        // the client already has the stream's last event
                        holdQuietly(out, held, wake, clientPosition);
                        return;
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
                    if (!PostStreamLog.PRIME.equals(e.type())) {
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
                    idleDeadline = System.nanoTime() + idleLimit.toNanos();
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

    /** @return whether the stream's log ends with its response or its cancellation (a request's log is short) */
    private boolean hasEnded(String logKey) {
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
        return newest != null
                && (PostStreamLog.RESPONSE.equals(newest.type()) || PostStreamLog.END.equals(newest.type()));
    }
}
