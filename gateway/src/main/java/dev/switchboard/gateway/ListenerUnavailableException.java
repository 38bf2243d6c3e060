package dev.switchboard.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A listener could not bind its address (most often a port another process holds). The gateway stops with it
 * rather than run on without a listener: a replica whose public port is dead but whose admin port answers
 * {@code /health/ready} would be kept in service by every orchestrator.
 */
public final class ListenerUnavailableException extends RuntimeException {
    private ListenerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param setting the listener's setting ({@code STREAM_PORT})
     * @param host    the address it was to bind
     * @param port    the port
     * @param cause   what binding said
     * @return the failure, naming the setting and the address
     */
    static ListenerUnavailableException of(String setting, String host, int port, IOException cause) {
        return new ListenerUnavailableException(
                "cannot listen on " + named(setting, InetSocketAddress.createUnresolved(host, port)) + ": "
                        + cause.getMessage(),
                cause);
    }

    /**
     * The web server's listeners did not start, and the server does not say which one failed (it logs the cause
     * and stops them all): each configured address is bound again for a moment, and those that still refuse are
     * named.
     *
     * @param listeners setting name → {@code host:port} of each listener the web server was to start
     * @return the failure
     */
    static ListenerUnavailableException probing(Map<String, InetSocketAddress> listeners) {
        List<String> refused = new ArrayList<>();
        IOException first = null;
        for (Map.Entry<String, InetSocketAddress> listener : listeners.entrySet()) {
            InetSocketAddress address = listener.getValue();
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(address);
            } catch (IOException e) {
                refused.add(named(listener.getKey(), address) + ": " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        String detail = refused.isEmpty()
                ? String.join(
                                ", ",
                                listeners.entrySet().stream()
                                        .map(l -> named(l.getKey(), l.getValue()))
                                        .toList())
                        + ": a listener did not start (its cause is logged above)"
                : String.join("; ", refused);
        return new ListenerUnavailableException("cannot listen on " + detail, first);
    }

    /** @return {@code host:port (SETTING)}, as every message of this class names a listener */
    private static String named(String setting, InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort() + " (" + setting + ")";
    }
}
