package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the notifications a request produces go before its response: the request's own SSE stream, or nowhere
 * when the client cannot take a stream.
 */
@FunctionalInterface
interface Notifier {

    /** Drops everything: for clients that did not accept {@code text/event-stream}, and inside a batch. */
    Notifier NONE = notification -> {};

    /**
     * @throws java.io.UncheckedIOException when the client has gone; over HTTP that is the cancellation of the
     *                                      request, so the caller lets it end the work
     */
    void send(ObjectNode notification);
}
