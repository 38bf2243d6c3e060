package dev.switchboard.gateway.state;

/**
 * One event of a generic SSE client's log.
 *
 * @param id   log id, {@code <millis>-<sequence>} as Redis Streams number entries; increasing per client
 * @param type SSE event name ({@code function_response}, {@code error}, ...)
 * @param data JSON text
 */
public record ClientEvent(String id, String type, String data) {}
