package dev.switchboard.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block written as {@code 10.0.0.0/8} or {@code fd00::/8} (a bare address is its own block).
 *
 * @param network the block's address bytes
 * @param prefix  how many leading bits are fixed
 */
public record Cidr(byte[] network, int prefix) {
    /**
     * @param text    the block
     * @param setting the setting it came from, for the error
     * @return the block
     * @throws IllegalArgumentException naming the setting when the text is not a block (host names are
     *                                  refused: a block is never looked up)
     */
    public static Cidr parse(String text, String setting) {
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            String host = slash < 0 ? t : t.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an address");
            }
            byte[] network = InetAddress.getByName(host).getAddress();
            int bits = network.length * 8;
            int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range");
            }
            return new Cidr(network, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    setting + ": '" + t + "' is not a CIDR block such as 10.0.0.0/8 or " + "fd00::/8");
        }
    }

    /**
     * @param address an address
     * @return whether the block holds it (an IPv4 block never holds an IPv6 address, and the reverse)
     */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /**
     * @param a the 4 or 16 bytes of an address
     * @return whether the block holds it (an IPv4 block never holds 16 bytes, and the reverse)
     */
    public boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
