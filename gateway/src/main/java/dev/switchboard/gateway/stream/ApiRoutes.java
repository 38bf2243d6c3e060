package dev.switchboard.gateway.stream;

/**
 * The stream listener's API routes besides streams and MCP, each served as on the public listener.
 *
 * @param invoke  {@code POST /invoke/{function}}
 * @param publish {@code POST /publish/{topic}}
 */
record ApiRoutes(InvokeExchange invoke, PublishExchange publish) {}
