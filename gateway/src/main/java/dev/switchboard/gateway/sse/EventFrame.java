package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.topic.ResumeToken;

/**
 * One event on its way to every stream that follows its log, with its wire encoding made once and shared:
 * a fan-out to 10,000 plain streams writes the same bytes 10,000 times instead of encoding the event 10,000
 * times (measured, the encoding was the largest allocation of a fan-out). A stream that follows several
 * logs writes the event under its own resume token, so it encodes its own copy and never asks for these.
 */
public final class EventFrame {
    private final ClientEvent event;
    /** Made by the first writer that needs it; two writers racing both make the same bytes, which is harmless. */
    private volatile byte[] bytes;
    /** The same, without the id line: what streams writing their own ids (resume tokens) share. */
    private volatile byte[] body;
    /** The id's form in a resume token, the same for every stream (made once per event, not per stream). */
    private volatile byte[] tokenPosition;

    /** @param event the event, written with its own id */
    public EventFrame(ClientEvent event) {
        this.event = event;
    }

    /** @return the event */
    public ClientEvent event() {
        return event;
    }

    /** @return the event's fields after its id line (type, data, the blank line); shared, never to be modified */
    byte[] body() {
        byte[] encoded = body;
        if (encoded == null) {
            encoded = SseEncoder.event(null, event.type(), event.data());
            body = encoded;
        }
        return encoded;
    }

    /** @return the event's id as a resume token writes a position ({@link ResumeToken#position}), ASCII */
    byte[] tokenPosition() {
        byte[] position = tokenPosition;
        if (position == null) {
            position = ResumeToken.position(event.id());
            tokenPosition = position;
        }
        return position;
    }

    /** @return the event encoded with its own id; shared, never to be modified */
    byte[] bytes() {
        byte[] encoded = bytes;
        if (encoded == null) {
            encoded = SseEncoder.event(event.id(), event.type(), event.data());
            bytes = encoded;
        }
        return encoded;
    }
}
