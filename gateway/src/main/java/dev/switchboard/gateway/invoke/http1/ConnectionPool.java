package dev.switchboard.gateway.invoke.http1;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kept-alive connections, per endpoint, bounded in number and in idle time. The most recently used
 * connection is taken first, so that spare connections age and are closed once idle for the timeout;
 * a connection the server has closed meanwhile is found out before use and dropped.
 */
final class ConnectionPool implements AutoCloseable {
    private final int idlePerEndpoint;
    private final long idleTimeoutNanos;
    private final Map<Endpoint, ArrayDeque<Http1Connection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param idlePerEndpoint idle connections kept per endpoint; more are closed when returned
     * @param idleTimeout     how long a connection stays idle before it is closed
     */
    ConnectionPool(int idlePerEndpoint, Duration idleTimeout) {
        this.idlePerEndpoint = idlePerEndpoint;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /**
     * @param endpoint where to
     * @return an idle connection that can carry a request, or null
     */
    Http1Connection take(Endpoint endpoint) {
        ArrayDeque<Http1Connection> connections = idle.get(endpoint);
        if (connections == null) {
            return null;
        }
        long now = System.nanoTime();
        while (true) {
            Http1Connection connection;
            synchronized (connections) {
                connection = connections.pollFirst();
            }
            if (connection == null) {
                return null;
            }
            if (now - connection.idleSinceNanos() < idleTimeoutNanos && connection.isReusable()) {
                return connection;
            }
            connection.close();
        }
    }

    /**
     * Takes back a connection whose answer was read to its end.
     *
     * @param connection the connection
     */
    void give(Http1Connection connection) {
        if (closed || connection.isClosed()) {
            connection.close();
            return;
        }
        connection.idleSince(System.nanoTime());
        ArrayDeque<Http1Connection> connections = idle.computeIfAbsent(connection.endpoint(), e -> new ArrayDeque<>());
        boolean kept;
        synchronized (connections) {
            kept = connections.size() < idlePerEndpoint;
            if (kept) {
                connections.addFirst(connection);
            }
        }
        if (!kept || closed) {
            connection.close();
        }
    }

    /** Closes connections idle for longer than the timeout (run periodically). */
    void sweep() {
        long now = System.nanoTime();
        List<Http1Connection> expired = new ArrayList<>();
        for (ArrayDeque<Http1Connection> connections : idle.values()) {
            synchronized (connections) {
                // oldest last: stop at the first that is still young
                for (Iterator<Http1Connection> i = connections.descendingIterator(); i.hasNext(); ) {
                    Http1Connection connection = i.next();
                    if (now - connection.idleSinceNanos() < idleTimeoutNanos) {
                        break;
                    }
                    i.remove();
                    expired.add(connection);
                }
            }
        }
        // an emptied endpoint keeps its (empty) queue: removing it could race with a connection coming back
        expired.forEach(Http1Connection::close);
    }

    /** @return idle connections held, all endpoints together */
    int idleCount() {
        int n = 0;
        for (ArrayDeque<Http1Connection> connections : idle.values()) {
            synchronized (connections) {
                n += connections.size();
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (ArrayDeque<Http1Connection> connections : idle.values()) {
            List<Http1Connection> all;
            synchronized (connections) {
                all = new ArrayList<>(connections);
                connections.clear();
            }
            all.forEach(Http1Connection::close);
        }
    }
}
