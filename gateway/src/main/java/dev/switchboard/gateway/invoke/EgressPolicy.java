package dev.switchboard.gateway.invoke;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import dev.switchboard.gateway.net.Cidr;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;

/**
 * Which addresses the gateway may call functions at: the SSRF guard. Public addresses are allowed;
 * loopback, link-local (cloud metadata at 169.254.169.254 included), private, unique-local, shared
 * (100.64.0.0/10), unspecified and multicast addresses only when a network of {@code
 * FUNCTION_ALLOWED_NETWORKS} holds them. The check runs where the connection is made: every outgoing
 * client resolves names through {@link #resolver()}, which refuses a name if any of its addresses is
 * refused and connects to the address it checked, so a DNS answer that changes between a check and the
 * connection (rebinding) gains nothing.
 */
public final class EgressPolicy {
    private final List<Cidr> allowed;
    private final String setting;

    private EgressPolicy(List<Cidr> allowed, String setting) {
        this.allowed = allowed;
        this.setting = setting;
    }

    /**
     * @param networks CIDR blocks ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code fd00::/8}) allowed besides
     *                 public addresses
     * @return the policy
     * @throws IllegalArgumentException naming {@code FUNCTION_ALLOWED_NETWORKS} when a block is malformed
     */
    public static EgressPolicy allowing(List<String> networks) {
        List<Cidr> blocks = new ArrayList<>();
        for (String network : networks) {
            blocks.add(Cidr.parse(network, "FUNCTION_ALLOWED_NETWORKS"));
        }
        return new EgressPolicy(List.copyOf(blocks), String.join(",", networks));
    }

    /**
     * @param address an address a function call would connect to
     * @return whether it may
     */
    public boolean permits(InetAddress address) {
        if (!isRestricted(address)) {
            return true;
        }
        for (Cidr block : allowed) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves a function's host and checks every address.
     *
     * @param host a host name or literal address
     * @return the first address, all of them permitted
     * @throws UnknownHostException when the name does not resolve
     * @throws EgressRefusedException when an address is refused
     */
    public InetAddress resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = InetAddress.getAllByName(bare);
        for (InetAddress address : addresses) {
            if (!permits(address)) {
                throw new EgressRefusedException("function host " + host + " resolves to "
                        + address.getHostAddress() + ", a non-public address that FUNCTION_ALLOWED_NETWORKS ("
                        + (setting.isEmpty() ? "unset" : setting) + ") does not allow");
            }
        }
        return addresses[0];
    }

    /** @return a resolver for Helidon's web clients that applies this policy on every connection */
    public DnsResolver resolver() {
        return new DnsResolver() {
            @Override
            public boolean useDefaultJavaResolver() {
                return false;
            }

            @Override
            public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
                try {
                    return resolve(hostname);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** @return whether an address is not on the public internet */
    static boolean isRestricted(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0                                   // "this network"
                    || (first == 100 && second >= 64 && second < 128) // shared address space (carrier NAT)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19))   // benchmarking
                    || first >= 240;                            // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc;                       // unique local fc00::/7
        }
        return true;
    }

    /** A refused destination: the call fails with this reason, the client connection is unaffected. */
    public static final class EgressRefusedException extends RuntimeException {
        EgressRefusedException(String message) {
            super(message);
        }
    }
}
