package dev.switchboard.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;


/**
 * Which addresses functions may be called at: the rules of the SSRF guard, shared by the gateway (which
 * applies them on every connection) and the operator (which checks a ServerlessFunction against its
 * gateway's networks). Public addresses are allowed; loopback, link-local (cloud metadata at
 * 169.254.169.254 included), private, unique-local, shared (100.64.0.0/10), unspecified and multicast
 * addresses only when an allowed network holds them.
 */
public final class EgressRules {
    private final List<Cidr> allowed;
    private final String settingName;
    private final String setting;

    private EgressRules(List<Cidr> allowed, String settingName, String setting) {
        this.allowed = allowed;
        this.settingName = settingName;
        this.setting = setting;
    }

    /**
     * @param networks    CIDR blocks ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code fd00::/8}) allowed
     *                    besides public addresses
     * @param settingName where they are configured, for messages ({@code FUNCTION_ALLOWED_NETWORKS})
     * @return the rules
     * @throws IllegalArgumentException naming the setting when a block is malformed
     */
    public static EgressRules allowing(List<String> networks, String settingName) {
        List<Cidr> blocks = new ArrayList<>();
        for (String network : networks) {
            blocks.add(Cidr.parse(network, settingName));
        }
        return new EgressRules(List.copyOf(blocks), settingName, String.join(",", networks));
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
                        + address.getHostAddress() + ", a non-public address that " + settingName + " ("
                        + (setting.isEmpty() ? "unset" : setting) + ") does not allow");
            }
        }
        return addresses[0];
    }

    /** @return whether an address is not on the public internet */
    public static boolean isRestricted(InetAddress a) {
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
