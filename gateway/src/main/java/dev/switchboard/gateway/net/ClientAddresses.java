package dev.switchboard.gateway.net;

import dev.switchboard.registry.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells which address a request came from. Behind a load balancer every request arrives from the
 * balancer, so when the direct peer is one of {@code TRUSTED_PROXIES} the client is the rightmost
 * address of {@code X-Forwarded-For} that is not itself a trusted proxy. With no trusted proxies the
 * header is ignored: anyone can write it.
 */
public final class ClientAddresses {
    private final List<Cidr> trusted;

    private ClientAddresses(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    /**
     * @param trustedProxies CIDR blocks of the proxies allowed to say who the client is
     * @return the resolver
     * @throws IllegalArgumentException naming {@code TRUSTED_PROXIES} for a malformed block
     */
    public static ClientAddresses trusting(List<String> trustedProxies) {
        List<Cidr> blocks = new ArrayList<>();
        for (String block : trustedProxies) {
            blocks.add(Cidr.parse(block, "TRUSTED_PROXIES"));
        }
        return new ClientAddresses(List.copyOf(blocks));
    }

    /**
     * @param peer         the TCP peer
     * @param forwardedFor the {@code X-Forwarded-For} header's lines, in order: one list (RFC 9110 section 5.3), so a
     *                     line the client sent ahead of its proxy's cannot name the client
     * @return the client's address as text
     */
    public String client(SocketAddress peer, List<String> forwardedFor) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(peer);
        }
        InetAddress address = inet.getAddress();
        if (trusted.isEmpty() || !isTrusted(address) || forwardedFor.isEmpty()) {
            return address.getHostAddress();
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        // the nearest hop known so far: a trusted proxy, which speaks for the hop before it
        String nearest = address.getHostAddress();
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> parsed = literal(hops[i].trim());
            if (parsed.isEmpty()) {
                // not an address (a proxy that passed on what its client wrote): the client is not known past here,
                // and text the client chose must not be its key (a new one per request would escape every limit)
                return nearest;
            }
            if (!isTrusted(parsed.get())) {
                return parsed.get().getHostAddress();
            }
            nearest = parsed.get().getHostAddress();
        }
        return nearest;
    }

    /**
     * @param address a TCP peer
     * @return whether it is one of {@code TRUSTED_PROXIES} (it speaks for many clients)
     */
    public boolean isTrustedProxy(InetAddress address) {
        return isTrusted(address);
    }

    private boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(block -> block.contains(address));
    }

    private static Optional<InetAddress> literal(String text) {
        String t = text.startsWith("[") && text.contains("]") ? text.substring(1, text.indexOf(']')) : text;
        if (!t.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }
}
