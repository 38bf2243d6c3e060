package dev.switchboard.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses functions may be called at: the rules of the SSRF guard, shared by the gateway (which
 * applies them on every connection) and the operator (which checks a ServerlessFunction against its
 * gateway's networks). Public addresses are allowed; loopback, link-local (cloud metadata at
 * 169.254.169.254 included), private, unique-local, shared (100.64.0.0/10), unspecified, reserved,
 * documentation and multicast addresses only when an allowed network holds them. An IPv6 address that
 * embeds an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo: {@link EmbeddedIpv4}) is refused when
 * the IPv4 address would be.
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
        byte[] raw = address.getAddress();
        if (!isRestricted(raw)) {
            return true;
        }
        // ::ffff:a.b.c.d is a.b.c.d on a dual-stack socket: IPv4 blocks hold it too
        byte[] mapped = raw.length == 16 ? EmbeddedIpv4.mapped(raw) : null;
        for (Cidr block : allowed) {
            if (block.contains(raw) || (mapped != null && block.contains(mapped))) {
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
    public static boolean isRestricted(InetAddress address) {
        return isRestricted(address.getAddress());
    }

    /**
     * Decided on the raw bytes, never on the JDK's class or predicates: an AAAA answer of
     * {@code ::ffff:127.0.0.1} is an {@code Inet6Address} that {@code isLoopbackAddress()} calls public.
     *
     * @param raw the 4 or 16 bytes of an address
     * @return whether it is not on the public internet
     */
    static boolean isRestricted(byte[] raw) {
        if (raw.length == 4) {
            return isRestrictedIpv4(raw);
        }
        for (byte[] embedded : EmbeddedIpv4.of(raw)) {
            if (isRestrictedIpv4(embedded)) {
                return true;
            }
        }
        return isRestrictedIpv6(raw);
    }

    private static boolean isRestrictedIpv4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        return first == 0 // "this network", unspecified
                || first == 10 // private
                || first == 127 // loopback
                || (first == 100 && second >= 64 && second < 128) // shared address space (carrier NAT)
                || (first == 169 && second == 254) // link-local, cloud metadata
                || (first == 172 && second >= 16 && second < 32) // private
                || (first == 192 && second == 168) // private
                || (first == 192 && second == 0 && (third == 0 || third == 2)) // IETF assignments, TEST-NET-1
                || (first == 198 && (second == 18 || second == 19)) // benchmarking
                || (first == 198 && second == 51 && third == 100) // TEST-NET-2
                || (first == 203 && second == 0 && third == 113) // TEST-NET-3
                || first >= 224; // multicast, reserved, broadcast
    }

    private static boolean isRestrictedIpv6(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return (first & 0xfe) == 0xfc // unique local fc00::/7
                || (first == 0xfe && (second & 0xc0) == 0x80) // link-local fe80::/10
                || (first == 0xfe && (second & 0xc0) == 0xc0) // site-local fec0::/10 (deprecated)
                || first == 0xff // multicast ff00::/8
                || prefix(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01) // local-use NAT64 64:ff9b:1::/48
                || prefix(b, 0x01, 0x00, 0, 0, 0, 0, 0, 0) // discard-only 100::/64
                || prefix(b, 0x20, 0x01, 0x0d, 0xb8) // documentation 2001:db8::/32
                || (first == 0x3f && second == 0xff && (b[2] & 0xf0) == 0); // documentation 3fff::/20
    }

    private static boolean prefix(byte[] address, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if ((address[i] & 0xff) != bytes[i]) {
                return false;
            }
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
