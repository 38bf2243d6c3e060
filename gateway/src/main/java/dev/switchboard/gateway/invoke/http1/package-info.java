/**
 * A lean HTTP/1.1 client on blocking sockets, for the function-call engine: one keep-alive connection pool
 * per endpoint, requests with {@code Content-Length} bodies, answers framed by {@code Content-Length},
 * chunked coding or the end of the connection, read as a stream by the caller's (virtual) thread. It knows
 * nothing of functions: the engine hands it a resolver (the egress guard), a TLS context and its limits.
 */
package dev.switchboard.gateway.invoke.http1;
