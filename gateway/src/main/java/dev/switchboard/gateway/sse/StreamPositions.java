package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.topic.ResumeToken;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one stream stands in each log it follows, and the event id that tells the client so: the plain id of the
 * last event written when the stream follows one log, else a {@link ResumeToken} of every position. Moved by the
 * stream's writer alone; {@link #lastSentId} and {@link #byLog} may be read from other threads and lag it.
 */
final class StreamPositions {
    /** The logs followed: the client's first, then each topic's (interned, see {@link #indexOf}). */
    private final List<String> logs;
    /** Whether ids are {@link ResumeToken}s (more than the client's log is followed). */
    private final boolean composite;
    /** Per log, the id of the last event written or the start. */
    private final String[] ids;
    /**
     * A composite stream's token prefix and, per log, its position as a token writes it, as ASCII bytes (null
     * otherwise): its id lines are made from them. The prefix (the logs' checksum) never changes: made once.
     */
    private final byte[] tokenPrefix;

    private final byte[][] tokenPositions;
    /**
     * A composite stream's id line of the last event written or the start, made when asked for: a write straight
     * into an event loop's buffer ({@link #putIdLine}) moves the positions without making it.
     */
    private volatile byte[] lastIdLine;
    /** Whether the positions moved since {@link #lastIdLine} was made. */
    private boolean idLineStale;
    /** A plain stream's id of the last event written, or null. */
    private volatile String lastId;

    /** @param logs the logs followed, the client's first; topic log keys interned */
    StreamPositions(List<String> logs) {
        this.logs = logs;
        this.composite = logs.size() > 1;
        this.ids = new String[logs.size()];
        this.tokenPrefix = composite ? ResumeToken.prefix(logs) : null;
        this.tokenPositions = composite ? new byte[logs.size()][] : null;
        if (composite) {
            Arrays.fill(tokenPositions, ResumeToken.NO_POSITION);
        }
    }

    /** @return the logs followed: the client's, then each topic's */
    List<String> logs() {
        return logs;
    }

    /** @return whether the stream's ids are resume tokens (it follows topics) */
    boolean composite() {
        return composite;
    }

    /**
     * @return the index of the log an event came from when the event is after the position there, else -1 (the
     *         log is not followed, or the event was written already)
     */
    int newIn(String log, String id) {
        int index = indexOf(log);
        if (index < 0) {
            return -1;
        }
        String at = ids[index];
        return at != null && EventIds.compare(id, at) <= 0 ? -1 : index;
    }

    /**
     * Moves the position in a log past an event about to be written.
     *
     * @param tokenPosition the id's form in a resume token when the caller has it (shared per event), or null
     * @return whether it is after the position (false: already written)
     */
    boolean advance(String log, String id, byte[] tokenPosition) {
        int index = newIn(log, id);
        if (index < 0) {
            return false;
        }
        move(index, id, tokenPosition);
        return true;
    }

    /** Moves the position in the log at {@code index} (one {@link #newIn} found) to {@code id}. */
    void move(int index, String id, byte[] tokenPosition) {
        set(index, id, tokenPosition);
        moved();
    }

    /** Sets the position in the client's log: events up to this id are not written. */
    void startAfter(String id) {
        move(0, id, null);
    }

    /** Sets the position in every log, in the order of {@link #logs}. */
    void startAt(String[] starts) {
        for (int i = 0; i < ids.length; i++) {
            set(i, starts[i], null);
        }
        moved();
    }

    private void set(int index, String id, byte[] tokenPosition) {
        ids[index] = id;
        if (composite) {
            tokenPositions[index] = tokenPosition != null ? tokenPosition : ResumeToken.position(id);
        }
    }

    private void moved() {
        if (composite) {
            idLineStale = true;
        } else {
            lastId = ids[0];
        }
    }

    /**
     * A composite stream's: the length of its id line once the log at {@code index} moves to {@code position},
     * measured before anything moves (so that nothing does when the event does not fit).
     */
    int idLineLengthWith(int index, byte[] position) {
        return ResumeToken.idLineLength(tokenPrefix, tokenPositions) - tokenPositions[index].length + position.length;
    }

    /** A composite stream's: encodes its id line for the positions now in place, without keeping a copy. */
    void putIdLine(ByteBuffer out) {
        ResumeToken.putIdLine(out, tokenPrefix, tokenPositions);
    }

    /** A composite stream's: its id line for the positions now (its token as an SSE id line). */
    byte[] idLine() {
        if (idLineStale || lastIdLine == null) {
            lastIdLine = ResumeToken.idLine(tokenPrefix, tokenPositions);
            idLineStale = false;
        }
        return lastIdLine;
    }

    /** @return the id of the last event written (a composite stream's token), or null */
    String lastSentId() {
        if (composite) {
            // nothing written and no start set: no id yet
            return lastIdLine == null && !idLineStale ? null : ResumeToken.ofIdLine(idLine());
        }
        return lastId;
    }

    /** @return per log, the position written up to (null where there is none yet) */
    Map<String, String> byLog() {
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            all.put(logs.get(i), ids[i]);
        }
        return all;
    }

    /**
     * @return the index of a log in {@link #logs}, or -1 when not followed. Topic log keys are interned (by the
     *         stream and by {@link StreamHub#deliver}), so a fan-out's key is found by identity without reading the
     *         keys' characters: those are each stream's own strings, a cache miss apiece on a walk of 10,000 streams.
     */
    private int indexOf(String log) {
        if (!composite) {
            return 0;
        }
        for (int i = 0; i < logs.size(); i++) {
            if (logs.get(i) == log) {
                return i;
            }
        }
        return logs.indexOf(log);
    }
}
