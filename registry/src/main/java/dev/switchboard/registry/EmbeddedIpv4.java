package dev.switchboard.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The IPv4 addresses an IPv6 address leads to. A connection to {@code ::ffff:127.0.0.1} reaches
 * 127.0.0.1 through the dual-stack socket itself, and one to {@code 64:ff9b::a00:1} (NAT64),
 * {@code 2002:a00:1::} (6to4) or a Teredo address reaches its IPv4 address through a translator or relay,
 * so the SSRF guard applies the IPv4 rules to each of them. Works on the raw 16 bytes: the JDK turns
 * some of these forms into {@code Inet4Address} and leaves others (an AAAA answer) as {@code Inet6Address}.
 */
final class EmbeddedIpv4 {
    private static final byte[] NAT64_WELL_KNOWN = {0x00, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private EmbeddedIpv4() {}

    /**
     * @param v6 the 16 bytes of an IPv6 address
     * @return the IPv4 address it is the mapped form of ({@code ::ffff:a.b.c.d}), which is that very
     *         address on a dual-stack socket, or null
     */
    static byte[] mapped(byte[] v6) {
        return zero(v6, 0, 10) && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff
                ? Arrays.copyOfRange(v6, 12, 16)
                : null;
    }

    /**
     * @param v6 the 16 bytes of an IPv6 address
     * @return every IPv4 address embedded in it, by any of the forms in {@link EgressRules}; empty if none
     */
    static List<byte[]> of(byte[] v6) {
        List<byte[]> found = new ArrayList<>(2);
        if (zero(v6, 0, 12) // IPv4-compatible ::a.b.c.d, :: and ::1
                || mapped(v6) != null // IPv4-mapped ::ffff:a.b.c.d
                || (zero(v6, 0, 8)
                        && v6[8] == (byte) 0xff
                        && v6[9] == (byte) 0xff
                        && zero(v6, 10, 12)) // SIIT ::ffff:0:a.b.c.d
                || Arrays.equals(v6, 0, 12, NAT64_WELL_KNOWN, 0, 12)) { // NAT64 64:ff9b::/96
            found.add(Arrays.copyOfRange(v6, 12, 16));
        }
        if (v6[0] == 0x20 && v6[1] == 0x02) { // 6to4 2002:AABB:CCDD::/48
            found.add(Arrays.copyOfRange(v6, 2, 6));
        }
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0) { // Teredo 2001::/32
            found.add(Arrays.copyOfRange(v6, 4, 8)); // the server
            byte[] client = new byte[4]; // the client, bits inverted
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~v6[12 + i];
            }
            found.add(client);
        }
        return found;
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
