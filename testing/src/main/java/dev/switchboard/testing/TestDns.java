package dev.switchboard.testing;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A name resolver for tests, installed in every test JVM that has this module on its class path (through
 * {@code META-INF/services}): names under {@value #DOMAIN} answer what a test declared, exactly as a DNS
 * server would (an AAAA answer of {@code ::ffff:127.0.0.1} stays a 16-byte {@code Inet6Address}); every
 * other name goes to the JDK's own resolver. No real DNS is involved for test names.
 */
public final class TestDns extends InetAddressResolverProvider {
    /** The reserved test domain (RFC 6761) the test names live under. */
    public static final String DOMAIN = ".switchboard.test";

    private static final Map<String, List<byte[]>> ANSWERS = new ConcurrentHashMap<>();

    /**
     * Declares a name. The JDK caches answers for a while: declare each name once, with a label of its own.
     *
     * @param label     the name's first label
     * @param addresses its answers, as literals ({@code 10.0.0.1}, {@code ::ffff:127.0.0.1}, {@code 2002:a00:1::})
     * @return the full name, {@code label + DOMAIN}
     */
    public static String name(String label, String... addresses) {
        List<byte[]> answers = new ArrayList<>();
        for (String address : addresses) {
            answers.add(bytes(address));
        }
        String name = label + DOMAIN;
        ANSWERS.put(name, List.copyOf(answers));
        return name;
    }

    /**
     * Parses a literal without the JDK's conversions: IPv6 text always gives 16 bytes.
     *
     * @param literal {@code a.b.c.d} or IPv6 text, optionally ending in a dotted quad
     * @return its 4 or 16 bytes
     */
    public static byte[] bytes(String literal) {
        if (!literal.contains(":")) {
            return quad(literal);
        }
        String text = literal;
        byte[] tail = new byte[0];
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) > 0) {
            tail = quad(text.substring(lastColon + 1));
            text = text.substring(0, lastColon + 1);
            if (!text.endsWith("::")) {
                text = text.substring(0, text.length() - 1);
            }
        }
        int groupsWanted = (16 - tail.length) / 2;
        String[] halves = text.split("::", -1);
        List<String> head = groups(halves[0]);
        List<String> rest = halves.length > 1 ? groups(halves[1]) : List.of();
        List<String> all = new ArrayList<>(head);
        for (int i = head.size() + rest.size(); i < groupsWanted; i++) {
            all.add("0");
        }
        all.addAll(rest);
        if (all.size() != groupsWanted) {
            throw new IllegalArgumentException("not an IPv6 literal: " + literal);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < all.size(); i++) {
            int group = Integer.parseInt(all.get(i), 16);
            out[2 * i] = (byte) (group >> 8);
            out[2 * i + 1] = (byte) group;
        }
        System.arraycopy(tail, 0, out, 16 - tail.length, tail.length);
        return out;
    }

    private static List<String> groups(String text) {
        List<String> out = new ArrayList<>();
        for (String group : text.split(":")) {
            if (!group.isEmpty()) {
                out.add(group);
            }
        }
        return out;
    }

    private static byte[] quad(String text) {
        String[] parts = text.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 literal: " + text);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                List<byte[]> answers = ANSWERS.get(host.toLowerCase(java.util.Locale.ROOT));
                if (answers == null) {
                    if (host.endsWith(DOMAIN)) {
                        throw new UnknownHostException(host);
                    }
                    return builtin.lookupByName(host, policy);
                }
                boolean v4 = (policy.characteristics() & LookupPolicy.IPV4) != 0;
                boolean v6 = (policy.characteristics() & LookupPolicy.IPV6) != 0;
                List<InetAddress> out = new ArrayList<>();
                for (byte[] answer : answers) {
                    if (answer.length == 4 && v4) {
                        out.add(InetAddress.getByAddress(host, answer));
                    } else if (answer.length == 16 && v6) {
                        out.add(Inet6Address.getByAddress(host, answer, -1));
                    }
                }
                if (out.isEmpty()) {
                    throw new UnknownHostException(host);
                }
                return out.stream();
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "switchboard-test-dns";
    }
}
