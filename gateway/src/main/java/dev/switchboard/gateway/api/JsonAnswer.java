package dev.switchboard.gateway.api;

import io.helidon.http.Status;

/**
 * A whole answer of an API route, as its listener sends it: a status and a JSON body. The admin listener wraps it
 * in Helidon's response, the public listener's event loops write it over the socket.
 *
 * @param status the answer's status
 * @param json   its body, JSON
 */
public record JsonAnswer(Status status, byte[] json) {}
