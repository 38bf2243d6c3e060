package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.state.ClientEventLog;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relayed messages as the answer to the client's POST (Streamable HTTP): one JSON answer when the
 * response comes first and the client accepts JSON, else an SSE stream. On a session's stream every event
 * gets an id {@code <streamId>/<logId>} and is logged before it is written ({@link PostStreamLog}), so a
 * client that lost the connection resumes that stream with {@code Last-Event-ID}, on any replica. Streams
 * of 2025-11-25 sessions open with a priming event, so that even a call that sends nothing before its result
 * can be resumed: once the call has been silent a moment ({@link #openingDue()}), or with its first event.
 * A call answered before that gives a client that accepts JSON one JSON answer: nothing was sent that a
 * resume could continue, so a logged stream would only cost a store write and a stream's framing.
 *
 * <p>In a session a lost client is not a cancellation (2025 revisions): the sink keeps logging what the
 * call sends, for a resume, and stops writing. Without a session (2026-07-28) closing the stream is the
 * cancellation: the loss is reported and ends the call.
 *
 * <p>A resume of the stream while its connection is still open takes it over ({@link PostStreamWriters}): the
 * answer ends there, with its connection, and what the call sends goes on in the log, for the resume alone.
 *
 * <p>Keep-alives come from the call's read watch, on a thread of their own, beside the relay's own sends: every
 * method takes the sink's lock, and after the response (or {@link #end()}) nothing more is written.
 */
final class ResponseSink implements McpRelay.Sink {
    private static final Logger LOGGER = Logger.getLogger(ResponseSink.class.getName());
    /** How long a resume waits for the call's write in progress before it ends the connection under it. */
    private static final long TAKE_OVER_WAIT_MILLIS = 1000;

    private final McpExchange res;
    private final ClientAccept accept;
    private final String sessionId;
    private final String protocolVersion;
    private final java.time.Duration answeredLogTtl;
    private final String streamId = McpIds.streamId();
    /** The stream's log key; null without a session. */
    private final String logKey;
    /** The stream's log, for a client's resume; null when not resumable (no session). */
    private final StreamLogAppender log;
    /** The streams this replica writes, which a resume takes over; null without a session. */
    private final PostStreamWriters writers;
    /** The request's id, logged when its stream opens, so that a resume can answer a call its replica lost. */
    private final JsonNode requestId;

    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    /** A client that takes SSE and whose revision primes streams gets one when the call goes quiet. */
    private final boolean primed;

    private OutputStream out;

    private boolean clientGone;
    /** The exchange is over (its response sent, cancelled, or the relay ended): keep-alives write nothing. */
    private boolean over;

    private int jsonStatus = 200;

    /**
     * @param res             the client's exchange (either listener's)
     * @param accept          what the client accepts
     * @param log             event logs for resumption
     * @param sessionId       the session, or null (not resumable)
     * @param requestId       the request's id (a session's request), or null
     * @param protocolVersion the session's revision
     * @param answeredLogTtl  how long the stream's log outlives its last event ({@code MCP_STREAM_LOG_TTL}): one
     *                        log per call, so the call rate times this is what the logs hold
     * @param unloggedRetry   how long events the store could not take are retried after the stream is over
     * @param writers         where a session's stream is found by its resume, to be taken over; null without a session
     */
    ResponseSink(
            McpExchange res,
            ClientAccept accept,
            ClientEventLog log,
            PostStreamWriters writers,
            String sessionId,
            JsonNode requestId,
            String protocolVersion,
            java.time.Duration answeredLogTtl,
            java.time.Duration unloggedRetry) {
        this.res = res;
        this.accept = accept;
        this.logKey = sessionId == null ? null : McpIds.logKey(sessionId, streamId);
        this.log = sessionId == null ? null : new StreamLogAppender(log, logKey, streamId, unloggedRetry);
        this.writers = sessionId == null ? null : writers;
        this.sessionId = sessionId;
        this.requestId = requestId;
        this.protocolVersion = protocolVersion;
        this.answeredLogTtl = answeredLogTtl;
        this.primed = sessionId != null && accept.sse() && McpVersions.primesStreams(protocolVersion);
    }

    /**
     * The call is taking a while: a primed stream's head and priming event go out, so that the client can resume from
     * the first byte, even a call that sends nothing before its result.
     */
    @Override
    public void openingDue() throws IOException {
        lock.lock();
        try {
            if (primed && out == null && !over) {
                open();
                logOpening();
            }
            if (out != null && !over && !clientGone) {
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            lost(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(JsonNode message, boolean last) throws IOException {
        send(message, null, last);
    }

    /** A JSON answer is the function's own text where the relay left the response unchanged. */
    @Override
    public void sendResponse(JsonNode message, byte[] verbatim) throws IOException {
        send(message, verbatim, true);
    }

    private void send(JsonNode message, byte[] verbatim, boolean last) throws IOException {
        lock.lock();
        try {
            if (last) {
                finish();
            }
            if (out == null && last && (accept.json() || !accept.sse())) {
                res.sendJson(Status.create(jsonStatus), verbatim != null ? verbatim : Json.bytes(message));
                return;
            }
            if (out == null && !accept.sse()) {
                refuseStreamTo(message);
                return;
            }
            boolean opening = out == null;
            if (opening) {
                open();
            }
            String data = Json.write(message);
            String eventId = opening && !last
                    ? appendWithOpening(data)
                    : append(last ? PostStreamLog.RESPONSE : PostStreamLog.MESSAGE, data);
            write(SseEncoder.event(eventId, null, data), last);
            if (last) {
                retryUnlogged();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A client that accepts only JSON is answered with one JSON body, which has room for the response alone: a
     * notification before it (progress, a log) is dropped; a request to the client (input) cannot be asked, so the
     * call ends in an error, as inside a batch ({@link CollectingSink}).
     */
    private void refuseStreamTo(JsonNode message) throws IOException {
        if (!JsonRpc.isRequest(message)) {
            return;
        }
        over = true;
        res.sendJson(
                Status.OK_200,
                Json.bytes(JsonRpc.error(
                        requestId,
                        JsonRpc.INTERNAL_ERROR,
                        "the function asks the client for input, which needs an SSE stream; this client accepts "
                                + "only application/json")));
        throw new IOException("input requested of a client that accepts only JSON");
    }

    @Override
    public boolean committed() {
        lock.lock();
        try {
            return out != null || res.isSent();
        } finally {
            lock.unlock();
        }
    }

    /** Stateless (2026-07-28) answers keep the function's status: its 400s and 404s are part of the protocol. */
    @Override
    public void functionStatus(int status) {
        lock.lock();
        try {
            if (sessionId == null && status >= 400 && status < 500) {
                jsonStatus = status;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A call that outlasts a heartbeat interval: a client that takes SSE gets its answer as a stream now,
     * kept alive with comments, so that no proxy cuts a quiet connection.
     */
    @Override
    public void keepAlive() throws IOException {
        lock.lock();
        try {
            if (over) {
                return;
            }
            if (out == null) {
                if (!accept.sse()) {
                    return;
                }
                open();
                logOpening();
            }
            write(SseEncoder.comment("keep-alive"), false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * No response for a cancelled request (basic/utilities/cancellation): an open stream ends without one,
     * and its log says so, for a GET that follows it. A client that takes SSE and has no stream yet gets an
     * empty one; a client that takes only JSON gets 202 and no body, the one answer without a message.
     */
    @Override
    public void cancelled() throws IOException {
        lock.lock();
        try {
            finish();
            if (out == null && !accept.sse()) {
                res.sendEmpty(Status.ACCEPTED_202);
                return;
            }
            if (out == null) {
                open();
            }
            append(PostStreamLog.END, "");
            write(new byte[0], true);
            retryUnlogged();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void end() {
        lock.lock();
        try {
            finish();
            retryUnlogged();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The client resumed this stream, here or on another replica, while its connection is still open: the answer ends
     * now, and its connection with it (a client that reads both would otherwise get the rest twice, and one that keeps
     * the connection for its next request would wait behind the call). The call goes on, logged for the resume.
     */
    void takenOver() {
        try {
            if (!lock.tryLock(TAKE_OVER_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // a write to the connection is stuck (its client stopped reading): ending the connection fails that
                // write, and the call goes on, logged, instead of waiting on a socket nobody reads
                endConnection();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (out == null || over || clientGone) {
                return;
            }
            clientGone = true;
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "a resumed POST stream's connection was gone already", e);
            }
            endConnection();
        } finally {
            lock.unlock();
        }
    }

    private void endConnection() {
        try {
            res.endConnection();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "a resumed POST stream's connection was gone already", e);
        }
    }

    /** Nothing more is written: a resume no longer has this stream to take over. */
    private void finish() {
        over = true;
        if (writers != null) {
            writers.over(logKey, this);
        }
    }

    private void open() throws IOException {
        out = res.startSse();
        if (writers != null) {
            writers.opened(logKey, this);
        }
        if (sessionId != null && McpVersions.primesStreams(protocolVersion)) {
            // priming event (SEP-1699): an id the client can resume from before anything else arrives; not logged
            // (PostStreamLog): the call's first append creates the log
            byte[] prime = SseEncoder.event(PostStreamLog.primeId(streamId, System.currentTimeMillis()), null, "");
            try {
                // not flushed: it goes with the call's first event, or when the call has been silent a moment
                out.write(prime);
            } catch (IOException | RuntimeException e) {
                lost(e);
            }
        }
    }

    /**
     * A call that goes on with its stream open and nothing to log yet: its request's id goes first in the log, for
     * the resume that finds the call gone with its replica and answers it ({@link PostStreamFollower}). A call
     * answered as its stream opens logs nothing but its response or end.
     */
    private void logOpening() {
        if (log != null && requestId != null) {
            log.append(PostStreamLog.OPENED, Json.write(requestId), null);
        }
    }

    /** @return the id of a message that opens the stream, logged in one step after the request's id */
    private String appendWithOpening(String data) {
        if (log == null || requestId == null) {
            return append(PostStreamLog.MESSAGE, data);
        }
        return eventId(log.appendPair(PostStreamLog.OPENED, Json.write(requestId), PostStreamLog.MESSAGE, data));
    }

    /**
     * @return the event's id, or null when the stream is not resumable (no session) or the store is down (the event
     *     is then logged, with those before it, once the store is back: {@link StreamLogAppender})
     */
    private String append(String type, String data) {
        if (log == null) {
            return null;
        }
        // the stream's last event (its response, or the end of a cancelled call) keeps the log only for a client's
        // resume; events before it keep it as long as any log, for a call that may go quiet a while
        boolean last = type.equals(PostStreamLog.RESPONSE) || type.equals(PostStreamLog.END);
        return eventId(log.append(type, data, last ? answeredLogTtl : null));
    }

    /** @return the client's id of a logged event, or null when it is held back (no log id yet) */
    private String eventId(String logId) {
        return logId == null ? null : PostStreamLog.eventId(streamId, logId);
    }

    /** The stream is over: what the store could not take yet is retried for a client's resume. */
    private void retryUnlogged() {
        if (log != null) {
            log.retryInBackground();
        }
    }

    private void write(byte[] bytes, boolean last) throws IOException {
        if (clientGone) {
            return;
        }
        try {
            out.write(bytes);
            // the last event goes out with the stream's end: one write where the listener can frame both at once
            if (last) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            lost(e);
        }
    }

    /** A write to a closed connection fails as the server's socket layer reports it. */
    private void lost(Exception e) throws IOException {
        if (sessionId == null) {
            throw e instanceof IOException io ? io : new IOException("client gone", e);
        }
        // the call goes on: what it sends is logged for the client's resume
        clientGone = true;
        LOGGER.log(Level.FINE, "client left a POST stream; the call continues", e);
    }
}
