package dev.switchboard.gateway.state;

/**
 * A control message about one MCP session, sent to every replica that read or stored the session, because the
 * work it concerns may run on any of them. Signals are not logged: a replica that misses one (Redis down) keeps
 * running the call until its deadline, which loses nothing.
 *
 * @param kind      what happened
 * @param sessionId the session
 * @param detail    for {@link Kind#CANCEL}: the cancelled request's id as JSON text ({@code 7}, {@code "a"}); for
 *                  {@link Kind#STREAM_OPENED}: when the stream opened and its connection id ({@link #openedAtMillis},
 *                  {@link #connectionId}); for {@link Kind#POST_STREAM_RESUMED}: when the resume opened, the POST
 *                  stream's id and the resume's connection id ({@link #resumedStreamId}); else empty
 */
public record SessionSignal(Kind kind, String sessionId, String detail) {
    /** What a signal says. */
    public enum Kind {
        /** The client cancelled one request: the replica running it stops the call. */
        CANCEL,
        /** The session ended (DELETE, or its HTTP+SSE stream closed): replicas end its calls and streams. */
        ENDED,
        /**
         * An HTTP+SSE session was initialized: the replica holding its stream opens a stateful function's own
         * stream now rather than at its next lease tick.
         */
        INITIALIZED,
        /**
         * A stateful function's session was re-initialized (it had lost it): the replica relaying the function's
         * own stream reopens it for the new function session now, rather than when its retry finds out.
         */
        RECOVERED,
        /**
         * The session's record changed (a logging level was set): replicas that keep a recent copy of it read it
         * again at its next use, rather than pass the old level to the function until their next renewal.
         */
        CHANGED,
        /**
         * A standalone stream of the session opened: a replica holding one opened before it ends that one, since
         * the transports spec sends each message on one stream only (the newest: its client gave up on the older).
         */
        STREAM_OPENED,
        /**
         * A POST stream of the session was resumed: the replica writing its call's answer on the connection it came
         * on stops, and one following an older resume of it ends that one, since each message goes on one stream
         * only (the newest: its client gave up on the others).
         */
        POST_STREAM_RESUMED
    }

    /**
     * @param sessionId session id
     * @param requestId the request's id as JSON text
     * @return a cancellation
     */
    public static SessionSignal cancel(String sessionId, String requestId) {
        return new SessionSignal(Kind.CANCEL, sessionId, requestId);
    }

    /**
     * @param sessionId session id
     * @return the end of a session
     */
    public static SessionSignal ended(String sessionId) {
        return new SessionSignal(Kind.ENDED, sessionId, "");
    }

    /**
     * @param sessionId session id
     * @return an HTTP+SSE session's initialize done
     */
    public static SessionSignal initialized(String sessionId) {
        return new SessionSignal(Kind.INITIALIZED, sessionId, "");
    }

    /**
     * @param sessionId session id
     * @return a session whose function session was re-initialized
     */
    public static SessionSignal recovered(String sessionId) {
        return new SessionSignal(Kind.RECOVERED, sessionId, "");
    }

    /**
     * @param sessionId session id
     * @return a session whose record changed
     */
    public static SessionSignal changed(String sessionId) {
        return new SessionSignal(Kind.CHANGED, sessionId, "");
    }

    /**
     * @param sessionId    session id
     * @param connectionId the new stream's connection id
     * @param openedMillis when it opened (epoch milliseconds)
     * @return a standalone stream's opening
     */
    public static SessionSignal streamOpened(String sessionId, String connectionId, long openedMillis) {
        return new SessionSignal(Kind.STREAM_OPENED, sessionId, openedMillis + " " + connectionId);
    }

    /**
     * @param sessionId    session id
     * @param streamId     the resumed POST stream's id (base64url: no space)
     * @param connectionId the resume's connection id
     * @param openedMillis when the resume opened (epoch milliseconds)
     * @return a POST stream's resume
     */
    public static SessionSignal postStreamResumed(
            String sessionId, String streamId, String connectionId, long openedMillis) {
        return new SessionSignal(
                Kind.POST_STREAM_RESUMED, sessionId, openedMillis + " " + streamId + " " + connectionId);
    }

    /** @return for a stream's opening or resume: when it opened (epoch milliseconds) */
    public long openedAtMillis() {
        int space = detail.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? detail : detail.substring(0, space));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream opening: " + detail, e);
        }
    }

    /** @return for a stream's opening or resume: its connection id */
    public String connectionId() {
        String rest = afterFirstSpace();
        if (kind == Kind.POST_STREAM_RESUMED) {
            int space = rest.indexOf(' ');
            return space < 0 ? "" : rest.substring(space + 1);
        }
        return rest;
    }

    /** @return for {@link Kind#POST_STREAM_RESUMED}: the POST stream's id */
    public String resumedStreamId() {
        String rest = afterFirstSpace();
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private String afterFirstSpace() {
        int space = detail.indexOf(' ');
        return space < 0 ? "" : detail.substring(space + 1);
    }

    /** @return one line per field, for a pub/sub message (ids never hold a line break: JSON escapes them) */
    public String encode() {
        return kind.name() + "\n" + sessionId + "\n" + detail;
    }

    /**
     * @param message an {@link #encode()}d signal
     * @return the signal
     * @throws UnknownKind              when it is one of a kind this version does not know (a newer replica's)
     * @throws IllegalArgumentException when the message is not one
     */
    public static SessionSignal decode(String message) {
        String[] parts = message.split("\n", 3);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("not a session signal");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new UnknownKind(parts[0], parts[1]);
        }
        return new SessionSignal(kind, parts[1], parts[2]);
    }

    /**
     * A well-formed signal of a kind added after this version, as a newer replica sends during a rolling upgrade:
     * its session is known, what it says is not.
     */
    public static final class UnknownKind extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient String sessionId;

        UnknownKind(String kind, String sessionId) {
            super("session signal of an unknown kind: " + kind);
            this.sessionId = sessionId;
        }

        /** @return the session it is about */
        public String sessionId() {
            return sessionId;
        }
    }
}
