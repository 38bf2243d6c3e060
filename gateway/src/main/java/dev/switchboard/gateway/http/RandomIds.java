package dev.switchboard.gateway.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random UUIDs (version 4 form) for request and connection ids, drawn from {@link ThreadLocalRandom}:
 * unique enough to tell requests apart, with no lock on the hot path ({@link UUID#randomUUID()} reads
 * the shared secure generator on every call). Never use these where an id must be unguessable: MCP
 * session ids come from {@code SecureRandom}.
 */
public final class RandomIds {
    private RandomIds() {}

    /** @return a new id such as {@code 1b4e28ba-2fa1-41d2-883f-0016d3cca427} */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
